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
 * @param counters records by outcome since {@code countersSince}: received, accepted, rejected, published,
 *                 dead-lettered, stale-skipped
 * @param problems      what is wrong with the flow's folder as last edited (a refused reload), each naming its file;
 *                      empty when the flow runs as its folder says
 * @param countersSince when this instance started counting (its start-up): counters are not kept across restarts; on
 *                      instances sharing a PostgreSQL store, the counters add up every instance's and this is when the
 *                      first of them started
 */
@JsonPropertyOrder({ "id", "industry", "dataFlow", "mode", "state", "health", "intakes", "signedWebhooks", "openWebhooks", "agentFacing",
        "target", "schedule", "nextFireTime", "freshness", "counters", "countersSince", "progress", "routes",
        "problems" })
public record FlowView(String id, String industry, String dataFlow, String mode, String state, Health health,
        List<String> intakes, Boolean signedWebhooks, Boolean openWebhooks, boolean agentFacing, Target target, String schedule, String nextFireTime,
        Freshness freshness, Map<String, Long> counters, String countersSince, FlowActivity.Progress progress,
        List<RouteView> routes, List<String> problems) {

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

    /**
     * The limits the flow's health is judged by; durations ISO-8601.
     *
     * @param maxRejectedShare share (0 to 1) of rejected or dead-lettered records over {@code rejectionWindow} that makes
     *                         the flow failing, once it received {@code rejectionMinCount}
     * @param expectedActivity when the source should send; null when the flow expects nothing
     */
    public record Freshness(String maxLag, String maxSilence, int maxDeadLetters, double maxRejectedShare,
            String rejectionWindow, int rejectionMinCount,
            @JsonInclude(JsonInclude.Include.NON_NULL) ExpectedActivity expectedActivity) {
    }

    /** @param hours e.g. {@code MON-FRI 08:00-18:00}; {@code DAILY 00:00-24:00} when not restricted */
    public record ExpectedActivity(String maxQuiet, String hours, String zone) {
    }

    /** @param intake webhook | worker | jms | file | pull */
    public record RouteView(String id, String intake, String status) {
    }
}
