package io.syncline.flows;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

import io.syncline.freshness.FlowActivity;

/**
 * One flow as the catalog shows it: what it is, how it is fed now, where it publishes, and what it has done.
 *
 * @param state    running | paused | disabled
 * @param intakes  webhook, jms, file, pull: those active in the current mode
 * @param signedWebhooks whether its webhook requires a signature (null: it takes no webhooks now)
 * @param openWebhooks whether its webhook accepts unsigned requests (null: it takes no webhooks now)
 * @param counters records by outcome since start: received, accepted, rejected, published, dead-lettered
 */
@JsonPropertyOrder({ "id", "industry", "dataFlow", "mode", "state", "health", "intakes", "signedWebhooks", "openWebhooks", "agentFacing",
        "target", "schedule", "nextFireTime", "freshness", "counters", "progress", "routes" })
public record FlowView(String id, String industry, String dataFlow, String mode, String state, Health health,
        List<String> intakes, Boolean signedWebhooks, Boolean openWebhooks, boolean agentFacing, Target target, String schedule, String nextFireTime,
        Freshness freshness, Map<String, Long> counters, FlowActivity.Progress progress, List<RouteView> routes) {

    /**
     * @param state healthy | stale | failing | paused | disabled: what the dashboard colours
     * @param lastRun the last file or pull run
     */
    public record Health(String state, List<String> reasons, String lastSuccessAt, Long lagMs, long deadLetters,
            FlowActivity.LastRun lastRun) {
    }

    /** @param salesforce what a salesforce target writes and whether it publishes now; null for other kinds */
    public record Target(String kind, String url, @JsonInclude(JsonInclude.Include.NON_NULL) Salesforce salesforce) {
    }

    /**
     * @param priority   critical (real-time or agent-facing: publishes on the API reserve) | non-critical
     * @param publishing publishing | held (the org's daily API calls are under the reserve)
     * @param apiRemaining the org's daily API calls left, from the last answer; null before the first
     */
    public record Salesforce(String sobject, String externalIdField, String priority, String publishing, Long apiRemaining,
            long apiReserve) {
    }

    public record Freshness(String maxLag, String maxSilence, int maxDeadLetters) {
    }

    /** @param intake webhook | worker | jms | file | pull */
    public record RouteView(String id, String intake, String status) {
    }
}
