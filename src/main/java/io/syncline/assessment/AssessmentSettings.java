package io.syncline.assessment;

import java.time.Duration;

import io.smallrye.config.WithDefault;

/** {@code sync.assessment.*}: how the assessment keeps evidence and what it compares API calls against. */
public interface AssessmentSettings {

    /** The sliding window of observed evidence: older hours are dropped from the state store. */
    @WithDefault("P30D")
    Duration window();

    /**
     * The Salesforce org's daily API allocation, until an answer from the org (Sforce-Limit-Info) says what it is.
     * Enterprise Edition starts at 100,000 a day.
     */
    @WithDefault("100000")
    long dailyApiAllowance();

    /** How long a real-time record may wait for others to share its call when a flow is micro-batched. */
    @WithDefault("PT1M")
    Duration microBatchInterval();
}
