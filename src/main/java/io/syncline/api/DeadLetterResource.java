package io.syncline.api;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import io.syncline.deadletter.DeadLetter;
import io.syncline.deadletter.DeadLetterStore;

/** {@code GET /api/dead-letters?flow=&limit=} and {@code GET /api/dead-letters/{id}}. */
@Path("/api/dead-letters")
@Produces(MediaType.APPLICATION_JSON)
public class DeadLetterResource {

    static final int MAX_LIMIT = 1000;

    private final DeadLetterStore store;

    DeadLetterResource(DeadLetterStore store) {
        this.store = store;
    }

    @GET
    public Map<String, Object> list(@QueryParam("flow") String flow, @QueryParam("limit") @DefaultValue("100") int limit) {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new BadRequestException("limit must be between 1 and " + MAX_LIMIT);
        }
        List<DeadLetter> items;
        try {
            items = store.list(Optional.ofNullable(flow).filter(f -> !f.isBlank()), limit);
        } catch (IllegalArgumentException e) {
            throw new BadRequestException(e.getMessage());
        }
        return Map.of("items", items, "count", items.size(), "limit", limit);
    }

    @GET
    @Path("/{id}")
    public DeadLetter get(@PathParam("id") String id) {
        try {
            return store.find(id).orElseThrow(() -> new NotFoundException("No dead letter " + id));
        } catch (IllegalArgumentException e) {
            throw new NotFoundException("No dead letter " + id);
        }
    }
}
