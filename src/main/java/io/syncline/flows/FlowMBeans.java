package io.syncline.flows;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

import javax.management.MBeanServer;
import javax.management.ObjectName;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;
import io.quarkus.runtime.StartupEvent;
import io.syncline.config.FlowStarted;
import io.syncline.config.SyncConfig;
import io.syncline.deadletter.DeadLetterReplay;
import io.syncline.deadletter.DeadLetterStore;
import io.syncline.freshness.FlowActivity;
import io.syncline.pipeline.Outcomes;

/** Registers one {@link FlowMXBean} per flow on the platform MBean server, and the dead-letter gauge per flow. */
@ApplicationScoped
public class FlowMBeans {

    private static final Logger LOG = Logger.getLogger(FlowMBeans.class);

    private final List<ObjectName> registered = new ArrayList<>();

    void register(@Observes StartupEvent event, SyncConfig config, FlowCatalog catalog, FlowActivity activity,
            DeadLetterReplay replay, DeadLetterStore deadLetters, MeterRegistry registry) throws Exception {
        for (String flow : config.flows().keySet()) {
            register(flow, catalog, activity, replay, deadLetters, registry);
        }
        LOG.infof("%d flow MBeans registered under io.syncline:type=Flow", registered.size());
    }

    /** A flow started or gone while running (its folder added to or removed from sync.flows-dir). */
    void changed(@Observes FlowStarted change, FlowCatalog catalog, FlowActivity activity, DeadLetterReplay replay,
            DeadLetterStore deadLetters, MeterRegistry registry) throws Exception {
        if (change.running()) {
            register(change.flowId(), catalog, activity, replay, deadLetters, registry);
            return;
        }
        registry.find("syncline.dead.letters").tag("flow", change.flowId()).meters().forEach(registry::remove);
        ObjectName name = name(change.flowId());
        synchronized (registered) {
            registered.remove(name);
        }
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        if (server.isRegistered(name)) {
            server.unregisterMBean(name);
        }
    }

    private void register(String flow, FlowCatalog catalog, FlowActivity activity, DeadLetterReplay replay,
            DeadLetterStore deadLetters, MeterRegistry registry) throws Exception {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        Gauge.builder("syncline.dead.letters", deadLetters, store -> store.countsByFlow().getOrDefault(flow, 0L))
                .description("Dead letters waiting, by flow").tag("flow", flow).register(registry);
        activity.lagTimer(flow);
        ObjectName name = name(flow);
        if (server.isRegistered(name)) {
            server.unregisterMBean(name);
        }
        server.registerMBean(new FlowBean(flow, catalog, activity, replay, deadLetters), name);
        synchronized (registered) {
            registered.add(name);
        }
    }

    private static ObjectName name(String flow) throws javax.management.MalformedObjectNameException {
        return new ObjectName("io.syncline:type=Flow,name=" + flow);
    }

    @PreDestroy
    void unregister() {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        synchronized (registered) {
            for (ObjectName name : registered) {
                try {
                    server.unregisterMBean(name);
                } catch (Exception ignored) {
                    // already gone
                }
            }
            registered.clear();
        }
    }

    /**
     * One flow over JMX. A JMX client calls in on an RMI thread, whose context class loader is the JVM's, not the
     * application's: every call runs with the application's class loader (as a request thread has it), and a failure
     * reaches the client as a plain {@link IllegalStateException} with the reason as text, since a remote client cannot
     * load Syncline's, Camel's or Quarkus's exception classes.
     */
    static final class FlowBean implements FlowMXBean {

        private final String flow;
        private final FlowCatalog catalog;
        private final FlowActivity activity;
        private final DeadLetterReplay replay;
        private final DeadLetterStore deadLetters;

        FlowBean(String flow, FlowCatalog catalog, FlowActivity activity, DeadLetterReplay replay, DeadLetterStore deadLetters) {
            this.flow = flow;
            this.catalog = catalog;
            this.activity = activity;
            this.replay = replay;
            this.deadLetters = deadLetters;
        }

        private <T> T call(String what, Callable<T> work) {
            Thread thread = Thread.currentThread();
            ClassLoader caller = thread.getContextClassLoader();
            thread.setContextClassLoader(FlowMBeans.class.getClassLoader());
            try {
                return work.call();
            } catch (Exception e) {
                LOG.warnf(e, "JMX %s of flow %s failed", what, flow);
                throw new IllegalStateException(what + " of flow " + flow + " failed: " + e.getClass().getSimpleName()
                        + ": " + e.getMessage());
            } finally {
                thread.setContextClassLoader(caller);
            }
        }

        private FlowView view(String attribute) {
            return call(attribute, () -> catalog.find(flow).orElseThrow());
        }

        @Override
        public String getMode() {
            return view("Mode").mode();
        }

        @Override
        public String getState() {
            return view("State").state();
        }

        @Override
        public String getHealth() {
            FlowView.Health health = view("Health").health();
            return health.reasons().isEmpty() ? health.state() : health.state() + ": " + String.join("; ", health.reasons());
        }

        @Override
        public String getLastSuccess() {
            return call("LastSuccess", () -> activity.lastSuccess(flow).map(Object::toString).orElse(""));
        }

        @Override
        public double getLagP50Millis() {
            return lag("LagP50Millis", 0.5);
        }

        @Override
        public double getLagP95Millis() {
            return lag("LagP95Millis", 0.95);
        }

        @Override
        public double getLagP99Millis() {
            return lag("LagP99Millis", 0.99);
        }

        private double lag(String attribute, double percentile) {
            return call(attribute, () -> {
                for (ValueAtPercentile value : activity.lagTimer(flow).takeSnapshot().percentileValues()) {
                    if (Math.abs(value.percentile() - percentile) < 1e-9) {
                        return value.value(TimeUnit.MILLISECONDS);
                    }
                }
                return 0.0;
            });
        }

        private long counter(String attribute, String outcome) {
            return view(attribute).counters().getOrDefault(outcome, 0L);
        }

        @Override
        public long getReceived() {
            return counter("Received", Outcomes.RECEIVED);
        }

        @Override
        public long getAccepted() {
            return counter("Accepted", Outcomes.ACCEPTED);
        }

        @Override
        public long getRejected() {
            return counter("Rejected", Outcomes.REJECTED);
        }

        @Override
        public long getPublished() {
            return counter("Published", Outcomes.PUBLISHED);
        }

        @Override
        public long getDeadLettered() {
            return counter("DeadLettered", Outcomes.DEAD_LETTERED);
        }

        @Override
        public long getStaleSkipped() {
            return counter("StaleSkipped", Outcomes.STALE_SKIPPED);
        }

        @Override
        public long getDeadLetters() {
            return call("DeadLetters", () -> deadLetters.countsByFlow().getOrDefault(flow, 0L));
        }

        @Override
        public void pause() {
            call("pause()", () -> {
                catalog.pause(flow);
                return null;
            });
        }

        @Override
        public void resume() {
            call("resume()", () -> {
                catalog.resume(flow);
                return null;
            });
        }

        @Override
        public String runNow() {
            return call("runNow()", () -> {
                List<String> fired = catalog.runNow(flow);
                return fired.isEmpty() ? "nothing to run: no file or pull intake in the current mode" : String.join(", ", fired);
            });
        }

        @Override
        public String replayDeadLetters() {
            return call("replayDeadLetters()", () -> {
                DeadLetterReplay.BulkOutcome outcome = replay.replayAll(flow, Optional.empty(), 1000);
                return "replayed " + outcome.replayed() + ", delivered " + outcome.delivered() + ", already delivered "
                        + outcome.alreadyDelivered() + ", failed again " + outcome.failedAgain() + ", refused " + outcome.refused();
            });
        }
    }
}
