package io.syncline.assessment;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * One flow's assessment: what was declared, what was observed, what is advised, what each mode costs, and whether
 * the running mode drifts from the advice.
 *
 * @param mode      the mode it runs in now ({@code sync.flows.<id>.mode})
 * @param readStale records of the window delivered later than the decision tempo after their source time: whoever
 *                  acts at that tempo read them stale (null without a declared tempo)
 */
@JsonPropertyOrder({ "flow", "industry", "dataFlow", "mode", "advice", "drift", "answers", "evidence", "readStale", "cost" })
public record FlowAssessment(String flow, String industry, String dataFlow, String mode, Advice advice, Drift drift,
        Answers answers, Evidence evidence, Long readStale, Cost cost) {

    /** @param reason why the running mode disagrees with the advice; null when it does not */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Drift(boolean drifting, String reason) {
    }

    /**
     * Salesforce API calls a day in each mode, for the traffic observed and the chunk sizes configured, against the
     * org's daily allowance; plus the declared build and run costs.
     *
     * @param allowanceFrom   "org" (the last Sforce-Limit-Info) or "sync.assessment.daily-api-allowance"
     * @param batchCadence    the cadence the batch figure assumes: the advised one, else the flow's schedule's, else
     *                        the decision tempo's, else daily
     * @param batchSavesPerDay API calls a day a batch at that cadence would save against real-time single upserts
     */
    @JsonPropertyOrder({ "target", "dailyApiAllowance", "allowanceFrom", "chunking", "realtime", "realtimeMicroBatched",
            "batchCadence", "batch", "batchSavesPerDay" })
    public record Cost(String target, long dailyApiAllowance, String allowanceFrom, ApiCallEstimate.Chunking chunking,
            ApiCallEstimate.ModeCost realtime, ApiCallEstimate.ModeCost realtimeMicroBatched, Cadence batchCadence,
            ApiCallEstimate.ModeCost batch, double batchSavesPerDay) {
    }
}
