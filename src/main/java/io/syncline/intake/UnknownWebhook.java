package io.syncline.intake;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;

/**
 * {@code /webhooks/<id>} that no flow answers: 404 for a POST to an unknown flow, 405 for any other method, each a
 * problem rather than an HTML page. Registered last, so every flow's own webhook route is matched before it.
 */
@ApplicationScoped
public class UnknownWebhook {

    static final String BODY = "{\"type\":\"urn:syncline:problem:unknown-flow\",\"title\":\"No such flow\",\"status\":404,"
            + "\"detail\":\"No enabled flow takes webhooks at this path\"}";
    static final String METHOD_NOT_ALLOWED = "{\"type\":\"urn:syncline:problem:method-not-allowed\","
            + "\"title\":\"Webhooks take POST\",\"status\":405}";

    void register(@Observes Router router) {
        router.route("/webhooks/*").order(Integer.MAX_VALUE).handler(context -> {
            if (context.request().method() != HttpMethod.POST) {
                context.response().setStatusCode(405).putHeader("Allow", "POST")
                        .putHeader("Content-Type", Problem.MEDIA_TYPE).end(METHOD_NOT_ALLOWED);
            } else {
                context.response().setStatusCode(404).putHeader("Content-Type", Problem.MEDIA_TYPE).end(BODY);
            }
        });
    }
}
