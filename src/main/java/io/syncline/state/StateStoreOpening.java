package io.syncline.state;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.apache.camel.quarkus.main.events.BeforeInitialize;
import org.apache.camel.quarkus.main.events.BeforeStart;

import io.quarkus.arc.Arc;

/**
 * Opens the state store on a thread of its own as Camel's main begins (the datasources are up by then; the container's
 * own start is too early for them), while the main thread reads the routes and configures Camel, as the embedded
 * broker starts beside them (docs/benchmarks.md, session 20): H2's open, its migrations and RocksDB's. Camel starts no
 * route before the store is open: its start waits for the opening and, should it have failed, stops with its cause.
 */
@ApplicationScoped
class StateStoreOpening {

    private final CompletableFuture<Void> opened = new CompletableFuture<>();
    private Thread opening;

    void open(@Observes BeforeInitialize camelMainBegins) {
        opening = new Thread(() -> {
            try {
                Arc.container().instance(StateStore.class).get().shared();
                opened.complete(null);
            } catch (RuntimeException | Error e) {
                opened.completeExceptionally(e);
            }
        }, "syncline-state-open");
        opening.setDaemon(true);
        opening.start();
    }

    /** Before Camel starts its routes: a JMS message, a file or a schedule may need the store at once. */
    void awaitOpened(@Observes BeforeStart routesAboutToStart) {
        if (opening == null) {
            return;
        }
        try {
            opened.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException cause ? cause
                    : new IllegalStateException("The state store could not be opened: " + e.getCause(), e.getCause());
        }
    }

    /** A start that failed meanwhile: the opening ends before the container does (else the store is never closed). */
    @PreDestroy
    void stop() throws InterruptedException {
        if (opening != null) {
            try {
                opened.get(30, TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException | TimeoutException e) {
                // the start has failed already, with this cause or another
            }
        }
    }
}
