package io.syncline.freshness;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;

import io.quarkus.runtime.StartupEvent;
import io.smallrye.health.api.HealthRegistry;
import io.smallrye.health.api.Wellness;
import io.syncline.config.FlowStarted;
import io.syncline.config.SyncConfig;

/**
 * One wellness check per flow ({@code /q/health/well}, named {@code flow-<id>}): a stale or failing flow raises
 * an alarm without taking the instance out of a load balancer, which only reads readiness.
 */
@ApplicationScoped
public class FreshnessChecks {

    void register(@Observes StartupEvent event, SyncConfig config, FlowHealth health, @Wellness HealthRegistry wellness,
            org.apache.camel.CamelContext camel) {
        for (String flow : config.flows().keySet()) {
            register(flow, config, health, wellness, camel);
        }
    }

    /** A flow started or gone while running (its folder added to or removed from sync.flows-dir). */
    void changed(@Observes FlowStarted change, SyncConfig config, FlowHealth health, @Wellness HealthRegistry wellness,
            org.apache.camel.CamelContext camel) {
        if (change.running()) {
            register(change.flowId(), config, health, wellness, camel);
        } else {
            wellness.remove("flow-" + change.flowId());
        }
    }

    private static void register(String flow, SyncConfig config, FlowHealth health, HealthRegistry wellness,
            org.apache.camel.CamelContext camel) {
        wellness.register("flow-" + flow, () -> {
            FlowHealth.Verdict verdict = health.evaluate(flow);
            HealthCheckResponseBuilder response = HealthCheckResponse.named("flow-" + flow)
                    .status(verdict.healthy())
                    .withData("state", verdict.state())
                    .withData("deadLetters", verdict.deadLetters());
            if (!verdict.reasons().isEmpty()) {
                response.withData("reason", String.join("; ", verdict.reasons()));
            }
            if (verdict.lastSuccessAt() != null) {
                response.withData("lastSuccessAt", verdict.lastSuccessAt().toString());
            }
            if (verdict.lagMs() != null) {
                response.withData("lagMs", verdict.lagMs());
            }
            if (camel.getRoute(flow + "-webhook") != null && config.acceptsUnsignedWebhooks(flow)) {
                // shown, not alarmed: an open webhook is a choice, but one that must stay visible
                response.withData("webhook", "open: unsigned requests accepted");
            }
            return response.build();
        });
    }
}
