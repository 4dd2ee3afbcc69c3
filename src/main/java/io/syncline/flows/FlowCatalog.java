package io.syncline.flows;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.ServiceStatus;
import org.apache.camel.component.quartz.QuartzComponent;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.Trigger;
import org.quartz.TriggerKey;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.syncline.config.SyncConfig;
import io.syncline.intake.UnknownWebhook;
import io.syncline.record.IntakeKind;
import io.syncline.security.SecretMasking;
import io.syncline.deadletter.DeadLetterStore;
import io.syncline.freshness.FlowActivity;
import io.syncline.freshness.FlowHealth;
import io.syncline.pipeline.Outcomes;
import io.syncline.targets.salesforce.SalesforceBudget;

/**
 * The flows as configured and as running: each {@code sync.flows.<id>} block, joined with the Camel routes named
 * {@code <id>-webhook|-worker|-jms|-file|-pull} and the Quartz triggers behind file windows and pulls. Also runs,
 * pauses and resumes a flow.
 */
@ApplicationScoped
public class FlowCatalog {

    /** Quartz trigger groups of the file-intake and pull-intake templates. */
    static final String FILE_TRIGGERS = "syncline-file";
    static final String PULL_TRIGGERS = "syncline-pull";
    static final List<String> OUTCOMES = List.of(Outcomes.RECEIVED, Outcomes.ACCEPTED, Outcomes.REJECTED,
            Outcomes.PUBLISHED, Outcomes.DEAD_LETTERED, Outcomes.STALE_SKIPPED);

    private static final Pattern INTAKE_ROUTE = Pattern.compile("(.+)-(webhook|worker|jms|file|pull)");

    private final CamelContext camel;
    private final SyncConfig config;
    private final MeterRegistry registry;
    private final FlowHealth health;
    private final FlowActivity activity;
    private final DeadLetterStore deadLetters;
    private final SalesforceBudget salesforceBudget;
    private final PausedFlows pausedFlows;
    private final ClusterCounters clusterCounters;
    private final FlowReloads reloads;
    private final UnknownWebhook webhooks;

    FlowCatalog(CamelContext camel, SyncConfig config, MeterRegistry registry, FlowHealth health, FlowActivity activity,
            DeadLetterStore deadLetters, SalesforceBudget salesforceBudget, PausedFlows pausedFlows,
            ClusterCounters clusterCounters, FlowReloads reloads, UnknownWebhook webhooks) {
        this.camel = camel;
        this.webhooks = webhooks;
        this.reloads = reloads;
        this.clusterCounters = clusterCounters;
        this.pausedFlows = pausedFlows;
        this.salesforceBudget = salesforceBudget;
        this.config = config;
        this.registry = registry;
        this.health = health;
        this.activity = activity;
        this.deadLetters = deadLetters;
    }

    public List<FlowView> list() {
        Map<String, Long> letters = deadLetters.countsByFlow();
        return config.flows().keySet().stream().sorted().map(id -> view(id, letters)).toList();
    }

    public Optional<FlowView> find(String id) {
        return config.flows().containsKey(id) ? Optional.of(view(id, deadLetters.countsByFlow())) : Optional.empty();
    }

    /** The routes of a flow, by id: only those its mode created. */
    public List<Route> routes(String flowId) {
        return camel.getRoutes().stream().filter(r -> flowId.equals(flowOf(r.getRouteId())))
                .sorted(Comparator.comparing(Route::getRouteId)).toList();
    }

    /**
     * The flow of a route named {@code <flow-id>-<kind>}: webhook, worker (the consumer delivering what a webhook
     * accepted), jms (a JMS intake), file, pull. Null for the shared routes.
     */
    public static String flowOf(String routeId) {
        Matcher m = INTAKE_ROUTE.matcher(routeId);
        return m.matches() ? m.group(1) : null;
    }

    /** Fires the flow's file window and pull now; empty when the flow has neither in its current mode. */
    public List<String> runNow(String flowId) throws SchedulerException {
        List<String> fired = new ArrayList<>();
        for (Route route : routes(flowId)) {
            Optional<Trigger> trigger = trigger(flowId, intakeOf(route));
            if (trigger.isPresent()) {
                scheduler().triggerJob(trigger.get().getJobKey());
                fired.add(route.getRouteId());
            }
        }
        return fired;
    }

    /** Pauses the flow on every instance: recorded in the state store, which each instance's {@link PausedFlows} follows. */
    public void pause(String flowId) throws Exception {
        pausedFlows.pause(flowId);
        suspendHere(flowId);
    }

    public void resume(String flowId) throws Exception {
        pausedFlows.resume(flowId);
        resumeHere(flowId);
    }

    /** This instance's routes of the flow only. */
    void suspendHere(String flowId) throws Exception {
        for (Route route : routes(flowId)) {
            camel.getRouteController().suspendRoute(route.getRouteId());
        }
    }

    void resumeHere(String flowId) throws Exception {
        boolean enabled = config.flow(flowId).enabled();
        for (Route route : routes(flowId)) {
            if (status(route) == ServiceStatus.Stopped) {
                // created while the flow was paused (a reload), never started; a disabled flow's stay stopped
                if (enabled) {
                    camel.getRouteController().startRoute(route.getRouteId());
                }
            } else {
                camel.getRouteController().resumeRoute(route.getRouteId());
            }
        }
        webhooks.createdPaused(flowId, false);
    }

    private FlowView view(String id, Map<String, Long> letters) {
        SyncConfig.Flow flow = config.flow(id);
        List<Route> routes = routes(id);
        List<FlowView.RouteView> routeViews = new ArrayList<>();
        List<String> intakes = new ArrayList<>();
        String nextFire = null;
        for (Route route : routes) {
            String intake = intakeOf(route);
            routeViews.add(new FlowView.RouteView(route.getRouteId(), intake, status(route).name()));
            // a worker delivers what the webhook accepted; it is not an intake of its own
            if (!"worker".equals(intake)) {
                intakes.add(intake);
            }
            Optional<Trigger> trigger = trigger(id, intake);
            if (trigger.isPresent() && trigger.get().getNextFireTime() != null) {
                String next = trigger.get().getNextFireTime().toInstant().toString();
                nextFire = nextFire == null || next.compareTo(nextFire) < 0 ? next : nextFire;
            }
        }
        String state = state(id, flow, routes);
        ClusterCounters.View counters = clusterCounters.view(id, counters(id));
        FlowHealth.Verdict verdict = health.evaluate(id, letters);
        FlowView.Health shownHealth = new FlowView.Health("running".equals(state) ? verdict.state() : state,
                verdict.reasons(), verdict.lastSuccessAt() == null ? null : verdict.lastSuccessAt().toString(),
                verdict.lagMs(), verdict.deadLetters(), verdict.lastRun());
        return new FlowView(id, id.substring(0, id.indexOf('-')), flow.dataFlow().orElse(null), flow.mode().name(),
                state, shownHealth, intakes,
                intakes.contains(IntakeKind.WEBHOOK.wire()) ? flow.webhook().secret().filter(s -> !s.isBlank()).isPresent() : null,
                intakes.contains(IntakeKind.WEBHOOK.wire()) ? config.acceptsUnsignedWebhooks(id) : null,
                flow.agentFacing(),
                target(id, flow.target()),
                flow.schedule().orElse(null), nextFire,
                freshness(flow.freshness()), counters.counters(), counters.since().toString(), activity.progress(id).orElse(null),
                routeViews, reloads.problems(id));
    }

    private static FlowView.Freshness freshness(SyncConfig.Freshness freshness) {
        SyncConfig.ExpectedActivity expected = freshness.expectedActivity();
        FlowView.ExpectedActivity expectedActivity = expected.maxQuiet().map(quiet -> new FlowView.ExpectedActivity(
                quiet.toString(), expected.hours().orElse("DAILY 00:00-24:00"), expected.zone().getId())).orElse(null);
        return new FlowView.Freshness(freshness.maxLag().map(Duration::toString).orElse(null),
                freshness.maxSilence().map(Duration::toString).orElse(null), freshness.maxDeadLetters(),
                freshness.maxRejectedShare(), freshness.rejectionWindow().toString(), freshness.rejectionMinCount(),
                expectedActivity);
    }

    private FlowView.Target target(String flowId, SyncConfig.Target target) {
        FlowView.Salesforce salesforce = null;
        if (target.kind() == SyncConfig.TargetKind.salesforce) {
            long remaining = salesforceBudget.remaining();
            salesforce = new FlowView.Salesforce(target.salesforce().sobject().orElse(null),
                    target.salesforce().externalIdField().orElse(null),
                    salesforceBudget.isCritical(flowId) ? "critical" : "non-critical",
                    salesforceBudget.isHeld(flowId) ? "held" : "publishing",
                    remaining < 0 ? null : remaining, config.salesforce().apiReserve());
        }
        return new FlowView.Target(target.kind().name(), target.url().map(SecretMasking::url).orElse(null), salesforce);
    }

    private Map<String, Long> counters(String flowId) {
        Map<String, Long> counters = new LinkedHashMap<>();
        OUTCOMES.forEach(o -> counters.put(o, 0L));
        for (Counter counter : registry.find("syncline.records").tag("flow", flowId).counters()) {
            counters.put(counter.getId().getTag("outcome"), (long) counter.count());
        }
        return counters;
    }

    private String state(String id, SyncConfig.Flow flow, List<Route> routes) {
        if (!flow.enabled()) {
            return "disabled";
        }
        // suspended by a pause, or created stopped by a reload while paused
        if (!routes.isEmpty() && routes.stream().allMatch(r -> status(r) == ServiceStatus.Suspended
                || status(r) == ServiceStatus.Stopped && pausedFlows.isPausedHere(id))) {
            return "paused";
        }
        return "running";
    }

    private ServiceStatus status(Route route) {
        return camel.getRouteController().getRouteStatus(route.getRouteId());
    }

    /** webhook | worker | jms | file | pull, from the route id {@code <flow-id>-<kind>}. */
    public static String intakeOf(Route route) {
        String id = route.getRouteId();
        return id.substring(id.lastIndexOf('-') + 1);
    }

    private Optional<Trigger> trigger(String flowId, String intake) {
        String group = IntakeKind.FILE.wire().equals(intake) ? FILE_TRIGGERS : IntakeKind.PULL.wire().equals(intake) ? PULL_TRIGGERS : null;
        if (group == null) {
            return Optional.empty();
        }
        try {
            return Optional.ofNullable(scheduler().getTrigger(TriggerKey.triggerKey(flowId, group)));
        } catch (SchedulerException e) {
            return Optional.empty();
        }
    }

    private Scheduler scheduler() {
        return camel.getComponent("quartz", QuartzComponent.class).getScheduler();
    }
}
