package io.syncline.api;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.syncline.config.SyncConfig;
import io.syncline.flows.FlowCatalog;
import io.syncline.flows.FlowView;
import io.syncline.freshness.FlowActivity;
import io.syncline.security.Roles;

/**
 * The flow catalog: {@code GET /api/flows}, {@code GET /api/flows/{id}}, {@code GET /api/flows/lag}, {@code POST /api/flows/{id}/run},
 * {@code POST /api/flows/{id}/pause}, {@code POST /api/flows/{id}/resume}. Reading needs {@code viewer}, the
 * actions {@code operator}.
 */
@Tag(name = "Flows", description = "The flow catalog; run, pause and resume a flow")
@Path("/api/flows")
@Produces(MediaType.APPLICATION_JSON)
public class FlowResource {

    private final FlowCatalog catalog;
    private final FlowActivity activity;
    private final SyncConfig config;

    FlowResource(FlowCatalog catalog, FlowActivity activity, SyncConfig config) {
        this.catalog = catalog;
        this.activity = activity;
        this.config = config;
    }

    /**
     * Each flow's largest delivery lag per minute over the last six hours, oldest first: the dashboard's lag charts.
     * Minutes without a delivery are left out.
     */
    @Operation(summary = "Each flow's largest delivery lag per minute over the last six hours")
    @GET
    @Path("/lag")
    @RolesAllowed({ Roles.VIEWER, Roles.OPERATOR })
    public Map<String, List<FlowActivity.LagPoint>> lag() {
        Map<String, List<FlowActivity.LagPoint>> lag = new TreeMap<>();
        config.flows().keySet().forEach(flow -> lag.put(flow, activity.lagHistory(flow)));
        return lag;
    }

    @Operation(summary = "Every flow: intakes, mode, target, schedule, freshness, live status and counters")
    @GET
    @RolesAllowed({ Roles.VIEWER, Roles.OPERATOR })
    public List<FlowView> list() {
        return catalog.list();
    }

    @Operation(summary = "One flow")
    @APIResponse(responseCode = "404", description = "No such flow")
    @GET
    @Path("/{id}")
    @RolesAllowed({ Roles.VIEWER, Roles.OPERATOR })
    public FlowView get(@PathParam("id") String id) {
        return catalog.find(id).orElseThrow(() -> new NotFoundException("No flow " + id));
    }

    /** A batch flow's file window and pull, now. 409 when the flow has neither in its current mode. */
    @Operation(summary = "Run a batch flow's file window and pull now")
    @APIResponse(responseCode = "202", description = "The routes triggered")
    @APIResponse(responseCode = "409", description = "No file or pull intake in the flow's current mode")
    @POST
    @Path("/{id}/run")
    @RolesAllowed(Roles.OPERATOR)
    public Response run(@PathParam("id") String id) throws Exception {
        requireFlow(id);
        List<String> fired = catalog.runNow(id);
        if (fired.isEmpty()) {
            return Response.status(Response.Status.CONFLICT).type("application/problem+json")
                    .entity(Map.of("type", "urn:syncline:problem:not-runnable", "title", "Nothing to run now",
                            "status", 409, "detail", "Flow " + id + " has no file or pull intake in its current mode"))
                    .build();
        }
        return Response.accepted(Map.of("flow", id, "triggered", fired)).build();
    }

    @Operation(summary = "Pause the flow on every instance")
    @POST
    @Path("/{id}/pause")
    @RolesAllowed(Roles.OPERATOR)
    public FlowView pause(@PathParam("id") String id) throws Exception {
        requireFlow(id);
        catalog.pause(id);
        return get(id);
    }

    @Operation(summary = "Resume the flow on every instance")
    @POST
    @Path("/{id}/resume")
    @RolesAllowed(Roles.OPERATOR)
    public FlowView resume(@PathParam("id") String id) throws Exception {
        requireFlow(id);
        catalog.resume(id);
        return get(id);
    }

    private void requireFlow(String id) {
        if (catalog.find(id).isEmpty()) {
            throw new NotFoundException("No flow " + id);
        }
    }
}
