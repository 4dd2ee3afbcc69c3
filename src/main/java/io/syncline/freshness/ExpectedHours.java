package io.syncline.freshness;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * When a flow's source is expected to send, as configured in {@code freshness.expected-activity.hours}:
 * {@code MON-FRI 08:00-18:00}, several spans separated by {@code ;} ({@code MON-FRI 09:00-17:30; SAT 10:00-14:00}),
 * days as a range ({@code MON-FRI}), a list ({@code MON,WED}) or {@code DAILY}; {@code 24:00} ends a span at midnight.
 * Only time inside these hours counts towards a flow's quiet time: a Friday-evening silence does not make a
 * business-hours flow stale on Saturday.
 */
public final class ExpectedHours {

    private static final Pattern SPAN = Pattern.compile("([A-Z,\\-]+)\\s+(\\d{2}:\\d{2})-(\\d{2}:\\d{2})");
    /** Quiet time older than this is not added up day by day: it is over any sensible limit anyway. */
    private static final int MAX_DAYS = 400;

    /** Every day, all day. */
    public static final ExpectedHours ALWAYS = new ExpectedHours("DAILY 00:00-24:00", ZoneId.of("UTC"));

    private record Span(Set<DayOfWeek> days, LocalTime from, LocalTime to, boolean toMidnight) {
    }

    private final String text;
    private final ZoneId zone;
    private final List<Span> spans = new ArrayList<>();

    public ExpectedHours(String text, ZoneId zone) {
        this.text = text.trim();
        this.zone = zone;
        for (String part : this.text.split(";")) {
            Matcher m = SPAN.matcher(part.trim().toUpperCase(Locale.ROOT));
            if (!m.matches()) {
                throw new IllegalArgumentException("'" + part.trim() + "' is not like MON-FRI 08:00-18:00");
            }
            try {
                boolean toMidnight = m.group(3).equals("24:00");
                LocalTime from = LocalTime.parse(m.group(2));
                LocalTime to = toMidnight ? LocalTime.MAX : LocalTime.parse(m.group(3));
                if (!to.isAfter(from)) {
                    throw new IllegalArgumentException("'" + part.trim() + "' ends before it starts");
                }
                spans.add(new Span(days(m.group(1)), from, to, toMidnight));
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("'" + part.trim() + "' has a time that is not HH:MM", e);
            }
        }
    }

    /** Whether {@code at} is inside the expected hours. */
    public boolean contains(Instant at) {
        ZonedDateTime local = at.atZone(zone);
        for (Span span : spans) {
            if (span.days().contains(local.getDayOfWeek()) && !local.toLocalTime().isBefore(span.from())
                    && (span.toMidnight() || local.toLocalTime().isBefore(span.to()))) {
                return true;
            }
        }
        return false;
    }

    /** The time between {@code since} and {@code until} that lies inside the expected hours. */
    public Duration expectedTimeBetween(Instant since, Instant until) {
        if (!until.isAfter(since)) {
            return Duration.ZERO;
        }
        Duration total = Duration.ZERO;
        LocalDate day = since.atZone(zone).toLocalDate();
        LocalDate last = until.atZone(zone).toLocalDate();
        if (day.plusDays(MAX_DAYS).isBefore(last)) {
            return Duration.between(since, until);
        }
        for (; !day.isAfter(last); day = day.plusDays(1)) {
            for (Span span : spans) {
                if (!span.days().contains(day.getDayOfWeek())) {
                    continue;
                }
                Instant from = day.atTime(span.from()).atZone(zone).toInstant();
                Instant to = span.toMidnight() ? day.plusDays(1).atStartOfDay(zone).toInstant()
                        : day.atTime(span.to()).atZone(zone).toInstant();
                Instant start = from.isAfter(since) ? from : since;
                Instant end = to.isBefore(until) ? to : until;
                if (end.isAfter(start)) {
                    total = total.plus(Duration.between(start, end));
                }
            }
        }
        return total;
    }

    @Override
    public String toString() {
        return text + " " + zone.getId();
    }

    private static Set<DayOfWeek> days(String spec) {
        if (spec.equals("DAILY")) {
            return EnumSet.allOf(DayOfWeek.class);
        }
        Set<DayOfWeek> days = EnumSet.noneOf(DayOfWeek.class);
        for (String item : spec.split(",")) {
            String[] range = item.split("-");
            DayOfWeek from = day(range[0]);
            DayOfWeek to = range.length > 1 ? day(range[1]) : from;
            for (DayOfWeek d = from;; d = d.plus(1)) {
                days.add(d);
                if (d == to) {
                    break;
                }
            }
        }
        return days;
    }

    private static DayOfWeek day(String abbreviation) {
        for (DayOfWeek d : DayOfWeek.values()) {
            if (d.name().startsWith(abbreviation) && abbreviation.length() == 3) {
                return d;
            }
        }
        throw new IllegalArgumentException("'" + abbreviation + "' is not a day (MON, TUE, WED, THU, FRI, SAT, SUN)");
    }
}
