package io.syncline.api;

import java.util.List;
import java.util.Map;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.quarkus.security.identity.SecurityIdentity;
import io.syncline.security.Roles;

/** {@code GET /api/me}: who is signed in and with which roles (the dashboard shows its actions from it). */
@Tag(name = "Users", description = "Who is signed in")
@Path("/api/me")
@Produces(MediaType.APPLICATION_JSON)
public class MeResource {

    private final SecurityIdentity identity;

    MeResource(SecurityIdentity identity) {
        this.identity = identity;
    }

    @GET
    @RolesAllowed({ Roles.VIEWER, Roles.OPERATOR })
    public Map<String, Object> me() {
        List<String> roles = List.of(Roles.VIEWER, Roles.OPERATOR).stream().filter(identity::hasRole).toList();
        return Map.of("name", identity.getPrincipal().getName(), "roles", roles);
    }
}
