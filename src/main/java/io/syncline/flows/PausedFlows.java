package io.syncline.flows;

import java.sql.SQLException;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;

import org.apache.camel.CamelContext;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.EventNotifierSupport;
import org.jboss.logging.Logger;

import io.quarkus.runtime.Startup;
import io.syncline.config.SyncConfig;
import io.syncline.state.StateStore;

/**
 * The flows an operator paused, kept in the state store so that a pause or resume on one instance reaches every
 * instance, and a restarted instance stays paused. Each instance reads the paused flows once its routes started and
 * then every {@code sync.cluster.checkin-interval}, and suspends or resumes its own routes of the flows that changed
 * (only those: routes suspended for another reason are left alone).
 */
@ApplicationScoped
@Startup
public class PausedFlows {

    private static final Logger LOG = Logger.getLogger(PausedFlows.class);

    private final StateStore store;
    private final SyncConfig config;
    private final Instance<FlowCatalog> catalog;
    private final Set<String> applied = new TreeSet<>();
    private ScheduledExecutorService follower;

    PausedFlows(StateStore store, SyncConfig config, Instance<FlowCatalog> catalog, CamelContext camel) {
        this.store = store;
        this.config = config;
        this.catalog = catalog;
        if (camel.isStarted()) {
            follow();
            return;
        }
        camel.getManagementStrategy().addEventNotifier(new EventNotifierSupport() {
            @Override
            public void notify(CamelEvent event) {
                follow();
            }

            @Override
            public boolean isEnabled(CamelEvent event) {
                return event.getType() == CamelEvent.Type.CamelContextStarted;
            }
        });
    }

    void pause(String flowId) throws SQLException {
        store.setPaused(flowId, true, System.currentTimeMillis());
        synchronized (applied) {
            applied.add(flowId);
        }
    }

    void resume(String flowId) throws SQLException {
        store.setPaused(flowId, false, System.currentTimeMillis());
        synchronized (applied) {
            applied.remove(flowId);
        }
    }

    private synchronized void follow() {
        if (follower != null) {
            return;
        }
        follower = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "syncline-paused-flows");
            thread.setDaemon(true);
            return thread;
        });
        long every = config.cluster().checkinInterval().toMillis();
        follower.scheduleWithFixedDelay(this::apply, 0, every, TimeUnit.MILLISECONDS);
    }

    /** Whether this instance holds the flow paused: a reload then creates its routes without starting them. */
    boolean isPausedHere(String flowId) {
        synchronized (applied) {
            return applied.contains(flowId);
        }
    }

    /** Brings this instance's routes in line with the paused flows of the store. */
    void apply() {
        try {
            Set<String> paused = store.pausedFlows();
            paused.retainAll(config.flows().keySet());
            synchronized (applied) {
                for (String flow : paused) {
                    if (applied.add(flow)) {
                        LOG.infof("Flow %s is paused (by an operator, on this or another instance)", flow);
                        catalog.get().suspendHere(flow);
                    }
                }
                for (String flow : new TreeSet<>(applied)) {
                    if (!paused.contains(flow)) {
                        applied.remove(flow);
                        LOG.infof("Flow %s is resumed (by an operator, on this or another instance)", flow);
                        catalog.get().resumeHere(flow);
                    }
                }
            }
        } catch (Exception e) {
            LOG.warnf("The paused flows could not be read; pauses and resumes of other instances wait: %s", e.getMessage());
        }
    }

    @PreDestroy
    synchronized void stop() {
        if (follower != null) {
            follower.shutdownNow();
        }
    }
}
