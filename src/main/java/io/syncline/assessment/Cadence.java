package io.syncline.assessment;

import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import java.util.Optional;
import java.util.TimeZone;
import java.util.concurrent.ConcurrentHashMap;

import org.quartz.CronExpression;

/**
 * The batch cadences the assessment suggests, each with a standard Quartz cron. A flow's own schedule is classed by
 * the longest gap between its fire times, so a window cron (every 5 minutes on Sunday night) counts as weekly.
 */
public enum Cadence {
    every15Minutes("every 15 minutes", Duration.ofMinutes(15), "0 0/15 * * * ?"),
    hourly("hourly", Duration.ofHours(1), "0 0 * * * ?"),
    daily("daily", Duration.ofDays(1), "0 0 2 * * ?"),
    weekly("weekly", Duration.ofDays(7), "0 0 2 ? * SUN"),
    monthly("monthly", Duration.ofDays(31), "0 0 2 1 * ?");

    private final String label;
    private final Duration period;
    private final String cron;

    Cadence(String label, Duration period, String cron) {
        this.label = label;
        this.period = period;
        this.cron = cron;
    }

    @com.fasterxml.jackson.annotation.JsonValue
    public String label() {
        return label;
    }

    /** "a daily batch", "a batch every 15 minutes". */
    public String batchPhrase() {
        return this == every15Minutes ? "a batch every 15 minutes" : "a " + label + " batch";
    }

    public Duration period() {
        return period;
    }

    public String cron() {
        return cron;
    }

    /** Windows a day: 96 every 15 minutes, 1 daily, 1/7 weekly; a month counts 30 days here. */
    public double windowsPerDay() {
        return this == monthly ? 1.0 / 30 : (double) Duration.ofDays(1).toSeconds() / period.toSeconds();
    }

    /** The longest cadence that still meets the interval: nobody waits longer than they act. */
    public static Cadence within(Duration interval) {
        Cadence fit = every15Minutes;
        for (Cadence c : values()) {
            if (c.period.compareTo(interval) <= 0) {
                fit = c;
            }
        }
        return fit;
    }

    /** Crons come from configuration: each is classed once. */
    private static final Map<String, Optional<Cadence>> OF_CRON = new ConcurrentHashMap<>();

    /** The cadence of a Quartz cron: the shortest one at least as long as its longest gap over 62 days. */
    public static Optional<Cadence> of(String cron) {
        return OF_CRON.computeIfAbsent(cron, Cadence::classify);
    }

    private static Optional<Cadence> classify(String cron) {
        CronExpression expression;
        try {
            expression = new CronExpression(cron);
        } catch (ParseException e) {
            return Optional.empty();
        }
        expression.setTimeZone(TimeZone.getTimeZone("UTC"));
        Instant start = Instant.parse("2026-01-01T00:00:00Z");
        Instant end = start.plus(Duration.ofDays(62));
        Date previous = expression.getNextValidTimeAfter(Date.from(start));
        Duration longest = Duration.ZERO;
        int fires = 0;
        while (previous != null && previous.toInstant().isBefore(end) && fires++ < 20_000) {
            Date next = expression.getNextValidTimeAfter(previous);
            if (next == null) {
                break;
            }
            Duration gap = Duration.between(previous.toInstant(), next.toInstant());
            longest = gap.compareTo(longest) > 0 ? gap : longest;
            previous = next;
        }
        if (longest.isZero()) {
            return Optional.empty();
        }
        for (Cadence c : values()) {
            if (longest.compareTo(c.period) <= 0) {
                return Optional.of(c);
            }
        }
        return Optional.of(monthly);
    }
}
