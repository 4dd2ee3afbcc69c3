package io.syncline.flows;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * One flow as the catalog shows it: what it is, how it is fed now, where it publishes, and what it has done.
 *
 * @param state    running | paused | disabled
 * @param intakes  webhook, jms, file, pull: those active in the current mode
 * @param counters records by outcome since start: received, accepted, rejected, published, dead-lettered
 */
@JsonPropertyOrder({ "id", "industry", "dataFlow", "mode", "state", "intakes", "agentFacing", "target", "schedule",
        "nextFireTime", "freshness", "counters", "routes" })
public record FlowView(String id, String industry, String dataFlow, String mode, String state, List<String> intakes,
        boolean agentFacing, Target target, String schedule, String nextFireTime, Freshness freshness,
        Map<String, Long> counters, List<RouteView> routes) {

    public record Target(String kind, String url) {
    }

    public record Freshness(String maxLag, String maxSilence) {
    }

    /** @param intake webhook | worker | jms | file | pull */
    public record RouteView(String id, String intake, String status) {
    }
}
