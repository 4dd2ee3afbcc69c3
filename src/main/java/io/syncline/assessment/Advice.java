package io.syncline.assessment;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * The advised way to sync a flow and why.
 *
 * @param mode    realtime | realtime micro-batched | batch
 * @param cadence for batch: every 15 minutes, hourly, daily, weekly or monthly
 * @param cron    for batch: the suggested Quartz cron (the flow's own schedule when it already has that cadence)
 * @param reasons each quoting the declared answer or the observed figure behind it
 */
@JsonPropertyOrder({ "mode", "cadence", "cron", "reasons" })
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Advice(String mode, Cadence cadence, String cron, List<String> reasons) {

    public static final String REALTIME = "realtime";
    public static final String MICRO_BATCHED = "realtime micro-batched";
    public static final String BATCH = "batch";

    /** realtime or batch: the value of {@code sync.flows.<id>.mode} that follows this advice. */
    public String modeSetting() {
        return BATCH.equals(mode) ? "batch" : "realtime";
    }

    /** "batch (daily, 0 0 2 * * ?)", "realtime". */
    public String summary() {
        return cadence == null ? mode : mode + " (" + cadence.label() + ", " + cron + ")";
    }
}
