package io.syncline.flows;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
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
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        for (String flow : config.flows().keySet()) {
            Gauge.builder("syncline.dead.letters", deadLetters, store -> store.countsByFlow().getOrDefault(flow, 0L))
                    .description("Dead letters waiting, by flow").tag("flow", flow).register(registry);
            activity.lagTimer(flow);
            ObjectName name = new ObjectName("io.syncline:type=Flow,name=" + flow);
            if (server.isRegistered(name)) {
                server.unregisterMBean(name);
            }
            server.registerMBean(new FlowBean(flow, catalog, activity, replay, deadLetters), name);
            registered.add(name);
        }
        LOG.infof("%d flow MBeans registered under io.syncline:type=Flow", registered.size());
    }

    @PreDestroy
    void unregister() {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        for (ObjectName name : registered) {
            try {
                server.unregisterMBean(name);
            } catch (Exception ignored) {
                // already gone
            }
        }
        registered.clear();
    }

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

        private FlowView view() {
            return catalog.find(flow).orElseThrow();
        }

        @Override
        public String getMode() {
            return view().mode();
        }

        @Override
        public String getState() {
            return view().state();
        }

        @Override
        public String getHealth() {
            FlowView.Health health = view().health();
            return health.reasons().isEmpty() ? health.state() : health.state() + ": " + String.join("; ", health.reasons());
        }

        @Override
        public String getLastSuccess() {
            return activity.lastSuccess(flow).map(Object::toString).orElse("");
        }

        @Override
        public double getLagP50Millis() {
            return lag(0.5);
        }

        @Override
        public double getLagP95Millis() {
            return lag(0.95);
        }

        @Override
        public double getLagP99Millis() {
            return lag(0.99);
        }

        private double lag(double percentile) {
            for (ValueAtPercentile value : activity.lagTimer(flow).takeSnapshot().percentileValues()) {
                if (Math.abs(value.percentile() - percentile) < 1e-9) {
                    return value.value(TimeUnit.MILLISECONDS);
                }
            }
            return 0;
        }

        private long counter(String outcome) {
            return view().counters().getOrDefault(outcome, 0L);
        }

        @Override
        public long getReceived() {
            return counter(Outcomes.RECEIVED);
        }

        @Override
        public long getAccepted() {
            return counter(Outcomes.ACCEPTED);
        }

        @Override
        public long getRejected() {
            return counter(Outcomes.REJECTED);
        }

        @Override
        public long getPublished() {
            return counter(Outcomes.PUBLISHED);
        }

        @Override
        public long getDeadLettered() {
            return counter(Outcomes.DEAD_LETTERED);
        }

        @Override
        public long getStaleSkipped() {
            return counter(Outcomes.STALE_SKIPPED);
        }

        @Override
        public long getDeadLetters() {
            return deadLetters.countsByFlow().getOrDefault(flow, 0L);
        }

        @Override
        public void pause() throws Exception {
            catalog.pause(flow);
        }

        @Override
        public void resume() throws Exception {
            catalog.resume(flow);
        }

        @Override
        public String runNow() throws Exception {
            List<String> fired = catalog.runNow(flow);
            return fired.isEmpty() ? "nothing to run: no file or pull intake in the current mode" : String.join(", ", fired);
        }

        @Override
        public String replayDeadLetters() {
            DeadLetterReplay.BulkOutcome outcome = replay.replayAll(flow, Optional.empty(), 1000);
            return "replayed " + outcome.replayed() + ", delivered " + outcome.delivered() + ", already delivered "
                    + outcome.alreadyDelivered() + ", failed again " + outcome.failedAgain() + ", refused " + outcome.refused();
        }
    }
}
