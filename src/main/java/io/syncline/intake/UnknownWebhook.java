package io.syncline.intake;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.locks.LockSupport;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code /webhooks/<id>} that no flow answers: 404 for a POST to an unknown flow, 503 while the flow's routes are being
 * replaced by a reload (answered before any route; the sender retries, as after any 503) or while a paused flow's
 * webhook was created stopped, 405 for any other method, each a problem rather than an
 * HTML page. Registered last, so every flow's own webhook route is matched before it.
 */
@ApplicationScoped
public class UnknownWebhook {

    private static final String PREFIX = "/webhooks/";
    /** Vert.x orders the flows' webhook routes from 0 as Camel adds them. */
    private static final int BEFORE_THE_FLOWS = -1;

    private final java.util.Set<String> reloading = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /**
     * Webhook requests let through to a route and not yet answered, by a stripe of their path's flow id: a fixed
     * number of counters whatever paths are posted to; a reload may wait a moment longer for another flow's requests.
     */
    private final AtomicIntegerArray inFlight = new AtomicIntegerArray(64);
    private final java.util.Set<String> createdPaused = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final ObjectMapper mapper;

    UnknownWebhook(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /** While a reload replaces the flow's routes, its webhooks are answered 503 rather than 404. */
    public void reloading(String flowId, boolean replacing) {
        if (replacing) {
            reloading.add(flowId);
        } else {
            reloading.remove(flowId);
        }
    }

    /**
     * A paused flow whose webhook route a reload created without starting it (it has no HTTP route until a resume
     * starts it): answered 503 rather than 404 meanwhile, as a suspended one is.
     */
    public void createdPaused(String flowId, boolean paused) {
        if (paused) {
            createdPaused.add(flowId);
        } else {
            createdPaused.remove(flowId);
        }
    }

    /**
     * Waits until the webhook requests of the flow that were let through before {@link #reloading} began have been
     * answered, at most {@code limit}: whether the wait ended with none in flight.
     */
    public boolean awaitNoneInFlight(String flowId, Duration limit) {
        int stripe = stripe(flowId);
        long deadline = System.nanoTime() + limit.toNanos();
        while (inFlight.get(stripe) > 0) {
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
        return true;
    }

    private int stripe(String flowId) {
        return Math.floorMod(flowId.hashCode(), inFlight.length());
    }

    public boolean isReloading(String flowId) {
        return reloading.contains(flowId);
    }

    static final String BODY = "{\"type\":\"urn:syncline:problem:unknown-flow\",\"title\":\"No such flow\",\"status\":404,"
            + "\"detail\":\"No enabled flow takes webhooks at this path\"}";
    static final String METHOD_NOT_ALLOWED = "{\"type\":\"urn:syncline:problem:method-not-allowed\","
            + "\"title\":\"Webhooks take POST\",\"status\":405}";

    private String answer(Problem problem) {
        try {
            return mapper.writeValueAsString(problem);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a problem answer could not be written as JSON", e);
        }
    }

    /** The 503 of a flow being reloaded, with Syncline's own headers only. */
    private void reloadingAnswer(RoutingContext context, String flow) {
        context.response().headers().clear();
        context.response().setStatusCode(503).putHeader("Retry-After", Problem.RELOADING_RETRY_AFTER)
                .putHeader("Content-Type", Problem.MEDIA_TYPE).end(answer(Problem.reloading(flow)));
    }

    void register(@Observes Router router) {
        router.route(PREFIX + "*").order(Integer.MAX_VALUE).handler(context -> {
            String flow = context.request().path().substring(PREFIX.length());
            if (context.request().method() != HttpMethod.POST) {
                context.response().setStatusCode(405).putHeader("Allow", "POST")
                        .putHeader("Content-Type", Problem.MEDIA_TYPE).end(METHOD_NOT_ALLOWED);
            } else if (createdPaused.contains(flow)) {
                context.response().setStatusCode(503).putHeader("Content-Type", Problem.MEDIA_TYPE)
                        .end(answer(Problem.paused(flow)));
            } else {
                context.response().setStatusCode(404).putHeader("Content-Type", Problem.MEDIA_TYPE).end(BODY);
            }
        });
        // While a reload replaces the flow's routes, its requests are answered here, before any route: one that reached
        // its webhook route while Camel suspends it would be refused by Camel outside the route, a bare 500, or a bare
        // 503 by platform-http's suspended consumer once its body was read. A request let through is counted until its
        // answer is sent, and a reload waits for those of its flow before it stops the routes (awaitNoneInFlight):
        // counted first and the reload checked after, so either the reload sees the request or the request the reload.
        router.route(PREFIX + "*").order(BEFORE_THE_FLOWS).handler(context -> {
            if (context.request().method() != HttpMethod.POST) {
                context.next();
                return;
            }
            String flow = context.request().path().substring(PREFIX.length());
            int stripe = stripe(flow);
            inFlight.incrementAndGet(stripe);
            if (!reloading.isEmpty() && reloading.contains(flow)) {
                inFlight.decrementAndGet(stripe);
                reloadingAnswer(context, flow);
                return;
            }
            context.addEndHandler(ended -> inFlight.decrementAndGet(stripe));
            context.next();
        });
    }
}
