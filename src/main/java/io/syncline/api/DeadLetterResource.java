package io.syncline.api;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.quarkus.security.identity.SecurityIdentity;
import io.syncline.deadletter.DeadLetterMasking;
import io.syncline.deadletter.DeadLetterReplay;
import io.syncline.deadletter.DeadLetterStore;
import io.syncline.record.DeadLetter;
import io.syncline.security.Roles;

/**
 * {@code GET /api/dead-letters?flow=&category=&since=&offset=&limit=} (personal data masked; {@code total}: how many
 * match in all),
 * {@code GET /api/dead-letters/{id}} (the record as received for an {@code operator}, masked for a {@code viewer}),
 * {@code POST /api/dead-letters/{id}/replay}, {@code POST /api/dead-letters/replay?flow=&category=} (bulk),
 * {@code DELETE /api/dead-letters/{id}}. Reading needs {@code viewer}, replay and delete {@code operator}.
 */
@Tag(name = "Dead letters", description = "Records that could not be delivered: list, read, replay, delete")
@Path("/api/dead-letters")
@Produces(MediaType.APPLICATION_JSON)
public class DeadLetterResource {

    static final int MAX_LIMIT = 1000;

    private final DeadLetterStore store;
    private final DeadLetterReplay replay;
    private final DeadLetterMasking masking;
    private final SecurityIdentity identity;

    DeadLetterResource(DeadLetterStore store, DeadLetterReplay replay, DeadLetterMasking masking,
            SecurityIdentity identity) {
        this.store = store;
        this.replay = replay;
        this.masking = masking;
        this.identity = identity;
    }

    @Operation(summary = "Dead letters, newest first, values marked x-sensitive masked")
    @GET
    @RolesAllowed({ Roles.VIEWER, Roles.OPERATOR })
    public Map<String, Object> list(@QueryParam("flow") String flow, @QueryParam("category") String category,
            @QueryParam("since") String since, @QueryParam("offset") @DefaultValue("0") int offset,
            @QueryParam("limit") @DefaultValue("100") int limit) {
        if (limit < 1 || limit > MAX_LIMIT || offset < 0) {
            throw new BadRequestException("limit must be between 1 and " + MAX_LIMIT + ", offset at least 0");
        }
        DeadLetterStore.Page page;
        try {
            page = store.page(present(flow), present(category), present(since).map(Instant::parse), offset, limit);
        } catch (IllegalArgumentException | DateTimeParseException e) {
            throw new BadRequestException(e.getMessage());
        }
        // a listing shows what failed and why; values the schemas mark x-sensitive stay in the single record only
        return Map.of("items", page.items().stream().map(masking::masked).toList(), "count", page.items().size(),
                "total", page.total(), "offset", offset, "limit", limit);
    }

    @Operation(summary = "One dead letter (its raw payload for an operator)")
    @APIResponse(responseCode = "404", description = "No such dead letter")
    @GET
    @Path("/{id}")
    @RolesAllowed({ Roles.VIEWER, Roles.OPERATOR })
    public DeadLetter get(@PathParam("id") String id) {
        DeadLetter deadLetter;
        try {
            deadLetter = store.find(id).orElseThrow(() -> new NotFoundException("No dead letter " + id));
        } catch (IllegalArgumentException e) {
            throw new NotFoundException("No dead letter " + id);
        }
        // the raw payload is for an operator asking for this one record
        return identity.hasRole(Roles.OPERATOR) ? deadLetter : masking.masked(deadLetter);
    }

    /** 200 with the outcome; 409 when the loop guard keeps it (it stays, and the answer says why). */
    @Operation(summary = "Replay one dead letter")
    @APIResponse(responseCode = "409", description = "Kept by the loop guard (sync.dead-letters.max-replays)")
    @APIResponse(responseCode = "404", description = "No such dead letter")
    @POST
    @Path("/{id}/replay")
    @RolesAllowed(Roles.OPERATOR)
    public Response replay(@PathParam("id") String id) {
        DeadLetterReplay.Outcome outcome;
        try {
            outcome = replay.replay(id).orElseThrow(() -> new NotFoundException("No dead letter " + id));
        } catch (IllegalArgumentException e) {
            throw new NotFoundException("No dead letter " + id);
        }
        return Response.status("refused".equals(outcome.outcome()) ? 409 : 200).entity(outcome).build();
    }

    @Operation(summary = "Replay the dead letters of a flow (optionally of one category)")
    @POST
    @Path("/replay")
    @RolesAllowed(Roles.OPERATOR)
    public DeadLetterReplay.BulkOutcome replayAll(@QueryParam("flow") String flow, @QueryParam("category") String category,
            @QueryParam("limit") @DefaultValue("1000") int limit) {
        if (flow == null || flow.isBlank()) {
            throw new BadRequestException("flow is required for a bulk replay");
        }
        try {
            return replay.replayAll(flow, present(category), Math.min(limit, MAX_LIMIT));
        } catch (IllegalArgumentException e) {
            throw new BadRequestException(e.getMessage());
        }
    }

    @Operation(summary = "Delete one dead letter")
    @APIResponse(responseCode = "204", description = "Deleted")
    @APIResponse(responseCode = "404", description = "No such dead letter")
    @DELETE
    @Path("/{id}")
    @RolesAllowed(Roles.OPERATOR)
    public Response delete(@PathParam("id") String id) {
        try {
            if (!replay.delete(id)) {
                throw new NotFoundException("No dead letter " + id);
            }
        } catch (IllegalArgumentException e) {
            throw new NotFoundException("No dead letter " + id);
        }
        return Response.noContent().build();
    }

    private static Optional<String> present(String value) {
        return Optional.ofNullable(value).filter(v -> !v.isBlank());
    }
}
