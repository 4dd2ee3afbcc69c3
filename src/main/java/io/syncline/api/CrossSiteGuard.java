package io.syncline.api;

import java.net.URI;
import java.util.Map;
import java.util.Set;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.Provider;

/**
 * Refuses an action ({@code POST}, {@code DELETE}, ...) on the operations API that a browser sends on behalf of another
 * site: a page elsewhere must not be able to replay, delete, run or pause with an operator's cached credentials.
 * Browsers say where a request comes from in {@code Sec-Fetch-Site}; older ones in {@code Origin}. API clients send
 * neither and are not affected; the dashboard is same-origin.
 */
@Provider
public class CrossSiteGuard implements ContainerRequestFilter {

    private static final Set<String> READS = Set.of("GET", "HEAD", "OPTIONS");
    private static final Set<String> OWN_SITE = Set.of("same-origin", "none");

    @Override
    public void filter(ContainerRequestContext request) {
        if (READS.contains(request.getMethod())) {
            return;
        }
        String site = request.getHeaderString("Sec-Fetch-Site");
        String origin = request.getHeaderString("Origin");
        boolean foreign = site != null ? !OWN_SITE.contains(site) : origin != null && !sameHost(origin, request.getHeaderString("Host"));
        if (foreign) {
            request.abortWith(Response.status(Response.Status.FORBIDDEN).type("application/problem+json")
                    .entity(Map.of("type", "urn:syncline:problem:cross-site", "title", "Cross-site request refused",
                            "status", 403, "detail", "Actions on /api are accepted from this origin or from API clients only"))
                    .build());
        }
    }

    private static boolean sameHost(String origin, String host) {
        try {
            return host != null && host.equalsIgnoreCase(URI.create(origin).getRawAuthority());
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
