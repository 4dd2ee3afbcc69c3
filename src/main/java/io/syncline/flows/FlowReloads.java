package io.syncline.flows;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;

import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.model.ModelCamelContext;
import org.apache.camel.model.ModelLifecycleStrategySupport;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.spi.Resource;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.eclipse.microprofile.config.Config;
import org.jboss.logging.Logger;

import io.quarkus.runtime.StartupEvent;
import io.syncline.config.FlowFolders;
import io.syncline.config.FlowSettings;
import io.syncline.config.FlowStarted;
import io.syncline.config.SyncConfig;
import io.syncline.intake.UnknownWebhook;
import io.syncline.validation.FlowSchemas;

/**
 * Reloads a flow of {@code sync.flows-dir} whose folder was edited while Syncline runs, that flow alone: the edit is
 * checked first as the offline check does (and its settings as start-up does, with application.properties and the
 * environment over them); a broken edit is refused (the previous version keeps running, and the log and
 * {@code /api/flows/{id}} say what is wrong and where); a good one makes its flow.properties the flow's settings
 * ({@link FlowSettings}) and, if its route.yaml or its settings changed, replaces its routes (stopped gracefully: a
 * chunk in flight finishes, or rolls back to its queue; its webhooks are answered 503 meanwhile, never 404; a paused
 * flow stays paused), then its schema if that changed. A folder added while running is a new flow (or replaces the
 * built-in flow of its id) once it passes; a folder removed stops and removes its flow's routes, and a built-in flow
 * it replaced comes back. Either way {@link FlowStarted} tells what registers something per flow.
 */
@ApplicationScoped
public class FlowReloads {

    private static final Logger LOG = Logger.getLogger(FlowReloads.class);
    /** How long a reload waits for the webhook requests already on their way into the flow's route. */
    private static final java.time.Duration WEBHOOKS_ANSWERED = java.time.Duration.ofSeconds(10);

    private final SyncConfig config;
    private final FlowSchemas schemas;
    private final CamelContext camel;
    private final UnknownWebhook webhooks;
    private final PausedFlows pausedFlows;
    private final Config running;
    private final Event<FlowStarted> started;
    private final Map<String, String> fingerprints = new ConcurrentHashMap<>();
    private final Map<String, String> routes = new ConcurrentHashMap<>();
    private final Map<String, String> schemaTexts = new ConcurrentHashMap<>();
    private final Map<String, String> settingsTexts = new ConcurrentHashMap<>();
    /** The ids of the routes the flow's route.yaml added, the ones a reload removes. */
    private final Map<String, List<String>> routeIds = new ConcurrentHashMap<>();
    private final Map<String, List<String>> problems = new ConcurrentHashMap<>();
    private ScheduledExecutorService timer;
    /** Set on the reload thread while it loads the routes of a paused flow: its intakes are created with autoStartup=false. */
    private static final ThreadLocal<Boolean> CREATED_STOPPED = new ThreadLocal<>();

    FlowReloads(SyncConfig config, Config running, FlowSchemas schemas, CamelContext camel, UnknownWebhook webhooks,
            PausedFlows pausedFlows, Event<FlowStarted> started) {
        this.running = running;
        this.started = started;
        this.webhooks = webhooks;
        this.pausedFlows = pausedFlows;
        this.config = config;
        this.schemas = schemas;
        this.camel = camel;
    }

    void start(@Observes StartupEvent event) {
        if (config.flowsDir().filter(d -> !d.isBlank()).isEmpty()) {
            return;
        }
        for (FlowFolders.Folder folder : external().values()) {
            fingerprints.put(folder.id(), fingerprint(folder));
            routes.put(folder.id(), read(folder, FlowFolders.ROUTE));
            schemaTexts.put(folder.id(), read(folder, FlowFolders.SCHEMA));
            settingsTexts.put(folder.id(), read(folder, FlowFolders.SETTINGS));
            routeIds.put(folder.id(), runningRouteIds(folder));
        }
        ((ModelCamelContext) camel).addModelLifecycleStrategy(new ModelLifecycleStrategySupport() {
            @Override
            public void onAddRouteDefinition(RouteDefinition definition) {
                // its intakes only: its steps take nothing in, and a resume starts what the catalog lists
                if (Boolean.TRUE.equals(CREATED_STOPPED.get()) && FlowCatalog.flowOf(definition.getRouteId()) != null) {
                    definition.setAutoStartup("false");
                }
            }
        });
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "syncline-flow-reloads");
            thread.setDaemon(true);
            return thread;
        });
        long every = config.flowsReloadInterval().toMillis();
        timer.scheduleWithFixedDelay(this::look, every, every, TimeUnit.MILLISECONDS);
    }

    /** What is wrong with the flow's folder as last edited, each naming its file; empty when it runs as edited. */
    public List<String> problems(String flowId) {
        return problems.getOrDefault(flowId, List.of());
    }

    void look() {
        try {
            Map<String, FlowFolders.Folder> folders = external();
            for (String flowId : List.copyOf(fingerprints.keySet())) {
                if (!folders.containsKey(flowId)) {
                    removed(flowId);
                }
            }
            for (FlowFolders.Folder folder : folders.values()) {
                String fingerprint = fingerprint(folder);
                if (!fingerprint.equals(fingerprints.put(folder.id(), fingerprint))) {
                    reload(folder);
                }
            }
        } catch (RuntimeException e) {
            LOG.warnf("Flow folders in %s could not be read: %s", config.flowsDir().orElse(""), e.getMessage());
        }
    }

    /**
     * A folder removed from {@code sync.flows-dir}: its flow's routes are stopped (gracefully, as for a reload) and
     * removed; a built-in flow it replaced comes back, routes, settings and schema. Records its queue still holds wait
     * there for a flow of that id.
     */
    synchronized void removed(String flowId) {
        fingerprints.remove(flowId);
        settingsTexts.remove(flowId);
        schemaTexts.remove(flowId);
        problems.remove(flowId);
        String route = routes.remove(flowId);
        if (route == null) {
            return; // it never ran from the folder (its first version was refused)
        }
        Optional<FlowFolders.Folder> builtIn = FlowFolders.builtIn(flowId);
        webhooks.reloading(flowId, true);
        try {
            awaitWebhooksAnswered(flowId);
            removeRoutes(routeIds.getOrDefault(flowId, List.of()));
            routeIds.remove(flowId);
            webhooks.createdPaused(flowId, false);
            FlowSettings.reread(config, running, flowId, builtIn);
            if (builtIn.isPresent()) {
                schemas.use(builtIn.get());
                Set<String> before = liveRouteIds();
                load(flowId, ResourceHelper.resolveResource(camel, builtIn.get().location(FlowFolders.ROUTE)));
                routeIds.put(flowId, addedSince(before));
                LOG.infof("Flow %s: its folder was removed from %s; the built-in flow %s runs again", flowId,
                        config.flowsDir().orElse(""), flowId);
            } else {
                schemas.forget(flowId);
                announce(new FlowStarted(flowId, false));
                LOG.infof("Flow %s: its folder was removed from %s; the flow is stopped and removed", flowId,
                        config.flowsDir().orElse(""));
            }
        } catch (Exception e) {
            LOG.warnf("Flow %s: its folder was removed, but stopping it failed: %s", flowId, e.getMessage());
        } finally {
            webhooks.reloading(flowId, false);
        }
    }

    synchronized void reload(FlowFolders.Folder folder) {
        String flowId = folder.id();
        List<String> found = new FlowCheck().check(folder);
        if (!found.isEmpty()) {
            refuse(flowId, folder, found);
            return;
        }
        // a new folder: a new flow, or one that replaces a built-in flow while it runs
        boolean added = !routes.containsKey(flowId);
        boolean newFlow = added && !config.flows().containsKey(flowId);
        Runnable undoSettings = () -> {
        };
        try {
            String route = read(folder, FlowFolders.ROUTE);
            String settings = read(folder, FlowFolders.SETTINGS);
            boolean routeEdited = !route.equals(routes.get(flowId));
            boolean settingsEdited = !settings.equals(settingsTexts.get(flowId));
            if (added) {
                routeIds.computeIfAbsent(flowId, id -> FlowFolders.builtIn(id).map(this::runningRouteIds).orElse(List.of()));
            }
            if (settingsEdited) {
                undoSettings = FlowSettings.reread(config, running, flowId, Optional.of(folder));
                // as read with application.properties and the environment over the folder: what start-up would refuse
                List<String> refused = FlowStartupCheck.settingsProblems(config, flowId).stream()
                        .map(problem -> flowId + "/" + FlowFolders.SETTINGS + ": " + problem.replaceFirst("^flow " + flowId + ": ", ""))
                        .toList();
                if (!refused.isEmpty()) {
                    undoSettings.run();
                    refuse(flowId, folder, refused);
                    return;
                }
            }
            if (added) {
                // its schema before its routes: a webhook of the new flow is validated by it from the first request
                schemas.use(folder);
                schemaTexts.put(flowId, read(folder, FlowFolders.SCHEMA));
            }
            if (routeEdited || settingsEdited) {
                // the routes again, also for settings alone: their {{sync.flows.<id>.*}} placeholders are resolved as
                // a route is created (mode, enabled, schedule, consumers, batch sizes)
                replaceRoutes(flowId, folder, route, undoSettings);
            }
            settingsTexts.put(flowId, settings);
            // after the routes: a failed route swap leaves the previous schema with the previous routes
            String schema = read(folder, FlowFolders.SCHEMA);
            boolean schemaEdited = !schema.equals(schemaTexts.get(flowId));
            if (schemaEdited) {
                schemas.reload(flowId);
                schemaTexts.put(flowId, schema);
            }
            List<String> afterRestart = afterRestart(flowId, config.flowsAtStartUp().get(flowId), config.flow(flowId));
            if (afterRestart.isEmpty()) {
                problems.remove(flowId);
            } else {
                problems.put(flowId, afterRestart);
                LOG.infof("Flow %s: %s", flowId, String.join("; ", afterRestart));
            }
            if (newFlow) {
                announce(new FlowStarted(flowId, true));
            }
            if (added) {
                LOG.infof("Flow %s started from the new folder %s", flowId, folder.dir().orElseThrow());
            } else if (routeEdited || schemaEdited || settingsEdited) {
                LOG.infof("Flow %s reloaded from %s", flowId, folder.dir().orElseThrow());
            }
        } catch (Exception e) {
            if (added && !routes.containsKey(flowId)) {
                // not started: the flow is as it was (none, or the built-in one)
                undoSettings.run();
                FlowFolders.builtIn(flowId).ifPresentOrElse(schemas::use, () -> schemas.forget(flowId));
            }
            problems.put(flowId, List.of(flowId + "/: the edit passed the check but could not be applied: " + e.getMessage()));
            LOG.warnf("Flow %s: the edit could not be applied: %s", flowId, e.getMessage());
        }
    }

    /** Its wellness check, gauges and JMX bean follow; a failure there leaves the flow as it runs. */
    private void announce(FlowStarted change) {
        try {
            started.fire(change);
        } catch (RuntimeException e) {
            LOG.warnf("Flow %s: its checks, gauges or JMX bean could not be %s: %s", change.flowId(),
                    change.running() ? "registered" : "removed", e.getMessage());
        }
    }

    private void refuse(String flowId, FlowFolders.Folder folder, List<String> found) {
        problems.put(flowId, found);
        LOG.warnf("Flow %s: the edit of %s is refused, the previous version keeps running:%n  %s", flowId,
                folder.dir().orElseThrow(), String.join("\n  ", found));
    }

    /**
     * What of the flow's settings waits for a restart, one line each: every setting is read as it is used, or when a
     * reload creates the flow's routes again, except the Prometheus gauges of a flow's limits, registered at start-up
     * for the limits set then (their values follow an edit).
     */
    static List<String> afterRestart(String flowId, SyncConfig.Flow before, SyncConfig.Flow after) {
        List<String> waiting = new ArrayList<>();
        if (before == null) {
            return waiting;
        }
        String where = flowId + "/" + FlowFolders.SETTINGS + ": ";
        if (before.freshness().maxLag().isEmpty() && after.freshness().maxLag().isPresent()) {
            waiting.add(where + "freshness.max-lag applies now; its gauge syncline_flow_max_lag_seconds appears after a restart");
        }
        if (before.freshness().maxSilence().isEmpty() && after.freshness().maxSilence().isPresent()) {
            waiting.add(where + "freshness.max-silence applies now; its gauge syncline_flow_max_silence_seconds appears after a restart");
        }
        if (before.freshness().expectedActivity().maxQuiet().isEmpty() && after.freshness().expectedActivity().maxQuiet().isPresent()) {
            waiting.add(where + "freshness.expected-activity.max-quiet applies now; its gauges syncline_flow_max_quiet_seconds"
                    + " and syncline_flow_expected_quiet_seconds appear after a restart");
        }
        return waiting;
    }

    /** The webhook requests already let through to the flow's route are answered before it stops. */
    private void awaitWebhooksAnswered(String flowId) {
        if (!webhooks.awaitNoneInFlight(flowId, WEBHOOKS_ANSWERED)) {
            LOG.warnf("Flow %s: webhook requests still unanswered after %s; its routes are replaced anyway", flowId,
                    WEBHOOKS_ANSWERED);
        }
    }

    /**
     * Stops and removes the flow's routes, then loads its route.yaml; if that fails, the previous settings and
     * route.yaml again.
     */
    private void replaceRoutes(String flowId, FlowFolders.Folder folder, String route, Runnable undoSettings) throws Exception {
        String previous = routes.get(flowId);
        webhooks.reloading(flowId, true);
        try {
            awaitWebhooksAnswered(flowId);
            removeRoutes(routeIds.getOrDefault(flowId, List.of()));
            Set<String> before = liveRouteIds();
            try {
                load(flowId, ResourceHelper.resolveResource(camel, folder.location(FlowFolders.ROUTE)));
                List<String> added = addedSince(before);
                if (added.stream().noneMatch(id -> flowId.equals(FlowCatalog.flowOf(id)))) {
                    // as start-up refuses it: a flow with nothing to take its records
                    throw new IllegalStateException(flowId + "/" + FlowFolders.ROUTE + " has no intake that runs in mode="
                            + config.flow(flowId).mode() + " (activeIn)");
                }
                routeIds.put(flowId, added);
                routes.put(flowId, route);
            } catch (Exception e) {
                removeRoutes(addedSince(before));
                undoSettings.run();
                if (previous != null) {
                    load(flowId, ResourceHelper.fromString(folder.location(FlowFolders.ROUTE), previous));
                } else if (FlowFolders.builtIn(flowId).isPresent()) {
                    load(flowId, ResourceHelper.resolveResource(camel, FlowFolders.builtIn(flowId).get().location(FlowFolders.ROUTE)));
                }
                routeIds.put(flowId, addedSince(before));
                throw e;
            }
        } finally {
            webhooks.reloading(flowId, false);
        }
    }

    /**
     * The routes the folder's route.yaml gave the running context: those the templates created for its flow (template
     * parameter {@code flowId}) and those the file defines itself (its steps, by their source). Read from the running
     * context, not by parsing the file again.
     */
    private List<String> runningRouteIds(FlowFolders.Folder folder) {
        String location = folder.location(FlowFolders.ROUTE);
        return camel.getRoutes().stream().filter(route -> folder.id().equals(templateFlowId(route))
                || location.equals(route.getSourceLocation())).map(Route::getRouteId).sorted().toList();
    }

    private String templateFlowId(Route route) {
        RouteDefinition definition = ((ModelCamelContext) camel).getRouteDefinition(route.getRouteId());
        Object flowId = definition == null || definition.getTemplateParameters() == null ? null
                : definition.getTemplateParameters().get("flowId");
        return flowId == null ? null : flowId.toString();
    }

    /**
     * Loads routes of the flow into the running context; the intakes of a flow paused here are created without being
     * started (never taking anything in, not even for a moment), and a resume starts them.
     */
    private void load(String flowId, Resource routes) throws Exception {
        if (pausedFlows.isPausedHere(flowId)) {
            CREATED_STOPPED.set(true);
            webhooks.createdPaused(flowId, true);
        }
        try {
            PluginHelper.getRoutesLoader(camel).loadRoutes(routes);
        } finally {
            CREATED_STOPPED.remove();
        }
    }

    private Set<String> liveRouteIds() {
        Set<String> ids = new HashSet<>();
        camel.getRoutes().forEach(route -> ids.add(route.getRouteId()));
        return ids;
    }

    private List<String> addedSince(Set<String> before) {
        return liveRouteIds().stream().filter(id -> !before.contains(id)).sorted().toList();
    }

    /**
     * Exactly these routes: its intakes first, its own steps ({@code direct:}) last, so that a chunk in flight can still
     * call its steps while its intake stops gracefully.
     */
    private void removeRoutes(List<String> ids) throws Exception {
        List<Route> live = ids.stream().map(camel::getRoute).filter(Objects::nonNull).toList();
        removeRoutesNow(live.stream().filter(route -> !isStep(route)).toList());
        removeRoutesNow(live.stream().filter(FlowReloads::isStep).toList());
    }

    private static boolean isStep(Route route) {
        return route.getEndpoint().getEndpointUri().startsWith("direct:");
    }

    private void removeRoutesNow(List<Route> routes) throws Exception {
        // suspended first, as a pause does: a webhook then answers 503, never a stopping consumer's 500
        for (Route route : routes) {
            camel.getRouteController().suspendRoute(route.getRouteId());
        }
        for (Route route : routes) {
            camel.getRouteController().stopRoute(route.getRouteId());
            camel.removeRoute(route.getRouteId());
        }
    }

    private Map<String, FlowFolders.Folder> external() {
        return FlowFolders.in(Path.of(config.flowsDir().orElseThrow()));
    }

    /** Every file of the folder, its name, size and modification time. */
    private static String fingerprint(FlowFolders.Folder folder) {
        StringBuilder fingerprint = new StringBuilder();
        try (Stream<Path> files = Files.walk(folder.dir().orElseThrow())) {
            for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
                fingerprint.append(file).append(':').append(Files.size(file)).append(':')
                        .append(Files.getLastModifiedTime(file).toMillis()).append(';');
            }
        } catch (IOException e) {
            fingerprint.append(e.getMessage());
        }
        return fingerprint.toString();
    }

    private static String read(FlowFolders.Folder folder, String file) {
        try {
            Optional<InputStream> in = folder.open(file);
            if (in.isEmpty()) {
                return "";
            }
            try (InputStream stream = in.get()) {
                return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            return "";
        }
    }

    @PreDestroy
    void stop() {
        if (timer != null) {
            timer.shutdownNow();
        }
    }
}
