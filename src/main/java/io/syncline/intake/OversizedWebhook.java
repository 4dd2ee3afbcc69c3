package io.syncline.intake;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.runtime.configuration.MemorySize;
import io.quarkus.vertx.http.runtime.RouteConstants;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * The {@code 413} of a webhook body over the server's outer limit ({@code quarkus.http.limits.max-body-size}) with the
 * same problem answer as one over {@code sync.webhook.max-body-size}: Quarkus refuses such a body before any route
 * sees it, with an empty answer. Runs just ahead of Quarkus's limit for a declared {@code Content-Length}, and as the
 * failure handler when a chunked body runs over while it is read.
 */
@ApplicationScoped
public class OversizedWebhook {

    private final long outerLimit;
    private final ObjectMapper mapper;

    OversizedWebhook(@ConfigProperty(name = "quarkus.http.limits.max-body-size") MemorySize outerLimit, ObjectMapper mapper) {
        this.outerLimit = outerLimit.asLongValue();
        this.mapper = mapper;
    }

    void register(@Observes Router router) {
        router.route("/webhooks/*").order(RouteConstants.ROUTE_ORDER_UPLOAD_LIMIT - 1)
                .handler(this::refuseDeclaredOversize)
                .failureHandler(this::answerOversize);
    }

    private void refuseDeclaredOversize(RoutingContext context) {
        String declared = context.request().getHeader(HttpHeaders.CONTENT_LENGTH);
        long length;
        try {
            length = declared == null ? -1 : Long.parseLong(declared.trim());
        } catch (NumberFormatException e) {
            length = -1;
        }
        if (length > outerLimit) {
            answer(context, "The body has " + length + " bytes; the limit is " + outerLimit);
        } else {
            context.next();
        }
    }

    private void answerOversize(RoutingContext context) {
        if (context.statusCode() == 413 && !context.response().ended()) {
            answer(context, "The body is over the limit of " + outerLimit + " bytes");
        } else {
            context.next();
        }
    }

    /**
     * The rest of the body is read and dropped (never held) before the connection closes, so a sender that writes its
     * whole body before reading the answer gets the problem, not a broken pipe.
     */
    private void answer(RoutingContext context, String detail) {
        String flow = context.request().path().substring("/webhooks/".length());
        String body;
        try {
            body = mapper.writeValueAsString(WebhookBody.tooLarge(detail, flow.matches("[a-z0-9-]+") ? flow : null).problem);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        HttpServerRequest request = context.request();
        context.response().setStatusCode(413)
                .putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE)
                .putHeader(HttpHeaders.CONNECTION, "close")
                .end(body);
        if (!request.isEnded()) {
            request.handler(dropped -> {
            }).endHandler(done -> request.connection().close()).resume();
        }
    }
}
