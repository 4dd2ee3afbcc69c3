package io.syncline.assessment;

import java.time.Duration;
import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * What Syncline observed of one flow over the sliding window: its records, how fast they came, how often a key
 * changed again within a day, how late records reached the target, and the target calls spent.
 *
 * @param since          the first hour with a delivery inside the window; null when there was none
 * @param daysObserved   from {@code since} to now, at least one day and at most the window
 * @param peakPerSecond  the most records delivered in one second
 * @param repeatChanges  records whose key had already changed less than 24 hours before (by source time)
 * @param keyChangesPerDay how often a changed key changes within a day: records / (records - repeat changes)
 * @param lagCounts      records by delivery lag (source timestamp to target acknowledgement), per {@link #LAG_BOUNDS}
 * @param targetCalls    calls made to the flow's target (for Salesforce: API calls)
 */
@JsonPropertyOrder({ "window", "since", "daysObserved", "records", "recordsPerDay", "peakPerSecond", "repeatChanges",
        "keyChangesPerDay", "lagP50", "lagP95", "lagP99", "targetCalls", "targetCallsPerDay" })
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Evidence(@JsonIgnore Duration window, Instant since, double daysObserved, long records, long chunks, long peakPerSecond,
        long repeatChanges, @JsonIgnore long[] lagCounts, long targetCalls) {

    /** Upper bounds of the lag buckets; the last bucket holds everything longer. */
    public static final Duration[] LAG_BOUNDS = { Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofSeconds(15),
            Duration.ofSeconds(30), Duration.ofMinutes(1), Duration.ofMinutes(2), Duration.ofMinutes(5), Duration.ofMinutes(10),
            Duration.ofMinutes(15), Duration.ofMinutes(30), Duration.ofHours(1), Duration.ofHours(2), Duration.ofHours(4),
            Duration.ofHours(8), Duration.ofHours(12), Duration.ofDays(1), Duration.ofDays(2), Duration.ofDays(4),
            Duration.ofDays(8), Duration.ofDays(16), Duration.ofDays(32) };

    /** The bucket of a lag in milliseconds. */
    static int lagBucket(long lagMillis) {
        for (int i = 0; i < LAG_BOUNDS.length; i++) {
            if (lagMillis <= LAG_BOUNDS[i].toMillis()) {
                return i;
            }
        }
        return LAG_BOUNDS.length;
    }

    @com.fasterxml.jackson.annotation.JsonProperty("window")
    public String windowText() {
        return Answers.iso(window);
    }

    @com.fasterxml.jackson.annotation.JsonProperty
    public double recordsPerDay() {
        return round(records / daysObserved);
    }

    @com.fasterxml.jackson.annotation.JsonProperty
    public double targetCallsPerDay() {
        return round(targetCalls / daysObserved);
    }

    /** Null without records. */
    @com.fasterxml.jackson.annotation.JsonProperty
    public Double keyChangesPerDay() {
        long firstChanges = records - repeatChanges;
        return firstChanges <= 0 ? null : round((double) records / firstChanges);
    }

    @com.fasterxml.jackson.annotation.JsonProperty
    public String lagP50() {
        return lagPercentile(0.50);
    }

    @com.fasterxml.jackson.annotation.JsonProperty
    public String lagP95() {
        return lagPercentile(0.95);
    }

    @com.fasterxml.jackson.annotation.JsonProperty
    public String lagP99() {
        return lagPercentile(0.99);
    }

    /** Records with a known lag. */
    @JsonIgnore
    public long lagged() {
        long n = 0;
        for (long c : lagCounts) {
            n += c;
        }
        return n;
    }

    /** Records that certainly reached the target later than this after their source time. */
    public long recordsLaterThan(Duration limit) {
        long n = 0;
        for (int i = 1; i <= LAG_BOUNDS.length; i++) {
            if (LAG_BOUNDS[i - 1].compareTo(limit) >= 0) {
                n += lagCounts[i];
            }
        }
        return n;
    }

    /** "≤ PT5M": the upper bound of the bucket holding the percentile; null without lags. */
    private String lagPercentile(double percentile) {
        long total = lagged();
        if (total == 0) {
            return null;
        }
        long rank = (long) Math.ceil(percentile * total);
        long seen = 0;
        for (int i = 0; i < lagCounts.length; i++) {
            seen += lagCounts[i];
            if (seen >= rank) {
                return i < LAG_BOUNDS.length ? "≤ " + Answers.iso(LAG_BOUNDS[i]) : "> " + Answers.iso(LAG_BOUNDS[LAG_BOUNDS.length - 1]);
            }
        }
        return null;
    }

    static double round(double value) {
        return Math.round(value * 100) / 100.0;
    }
}
