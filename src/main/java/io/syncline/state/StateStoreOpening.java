package io.syncline.state;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.apache.camel.quarkus.main.events.BeforeInitialize;
import org.jboss.logging.Logger;

import io.quarkus.arc.Arc;

/**
 * Opens the state store on a thread of its own as Camel's main begins (the datasources are up by then; the container's
 * own start is too early for them), while the main thread reads the routes and configures Camel, as the embedded broker starts beside them (docs/benchmarks.md, session 20): H2's open, its
 * migrations and RocksDB's. Whoever needs the store first waits for this one creation. Should it fail here, the first
 * use fails the same way on its own thread and names the cause there.
 */
@ApplicationScoped
class StateStoreOpening {

    private static final Logger LOG = Logger.getLogger(StateStoreOpening.class);

    void open(@Observes BeforeInitialize camelMainBegins) {
        Thread thread = new Thread(() -> {
            try {
                Arc.container().instance(StateStore.class).get().shared();
            } catch (RuntimeException e) {
                LOG.debugf("The state store did not open ahead of its first use: %s", e.getMessage());
            }
        }, "syncline-state-open");
        thread.setDaemon(true);
        thread.start();
    }
}
