package io.syncline.validation;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * ISO 8601 dates and date-times as records carry them ({@code 2026-11-27}, {@code 2026-11-27T09:14:00Z},
 * {@code 2026-11-27T09:14:00.250+01:00}), read by hand for those usual shapes; any other text goes to java.time's own
 * parser, so what is accepted, and the value read, is exactly what {@link OffsetDateTime#parse} and
 * {@link LocalDate#parse} give. java.time's general parser was a sixth of the CPU that checks a file's rows
 * (docs/benchmarks.md, issue 12): every row's source timestamp and every {@code "format": "date"} field goes through
 * here.
 */
final class IsoTimes {

    /** {@code 2026-11-27T09:14Z}: four-digit year, minutes, no seconds, {@code Z}. */
    private static final int SHORTEST_OFFSET_DATE_TIME = 17;

    private IsoTimes() {
    }

    /** {@code OffsetDateTime.parse(text).toInstant()}; null where that throws. */
    static Instant offsetDateTime(String text) {
        if (text.length() < SHORTEST_OFFSET_DATE_TIME || (text.indexOf('T') < 0 && text.indexOf('t') < 0)) {
            // a date (a flow whose source timestamp is "format": "date"), or no date-time at all: null without
            // the exception java.time would build for it, once per record
            return null;
        }
        Instant fast = fastOffsetDateTime(text);
        if (fast != null) {
            return fast;
        }
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeException notDateTime) {
            return null;
        }
    }

    /** {@code LocalDate.parse(text)}; null where that throws. */
    static LocalDate date(String text) {
        if (text.length() == 10) {
            LocalDate fast = fastDate(text);
            if (fast != null) {
                return fast;
            }
        }
        try {
            return LocalDate.parse(text);
        } catch (DateTimeException notDate) {
            return null;
        }
    }

    /** {@code yyyy-MM-dd} at {@code text[0..10)}; null for any other shape or a day that does not exist. */
    private static LocalDate fastDate(String text) {
        int year = digits(text, 0, 4);
        int month = digits(text, 5, 2);
        int day = digits(text, 8, 2);
        if (year < 0 || month < 0 || day < 0 || text.charAt(4) != '-' || text.charAt(7) != '-') {
            return null;
        }
        try {
            return LocalDate.of(year, month, day);
        } catch (DateTimeException noSuchDay) {
            return null;
        }
    }

    /**
     * {@code yyyy-MM-ddTHH:mm:ss}, an optional fraction of 1 to 9 digits, then {@code Z} or {@code ±HH:mm}; null for any
     * other shape (java.time decides those) or a value out of range.
     */
    private static Instant fastOffsetDateTime(String text) {
        int length = text.length();
        if (length < 20 || length > 35) {
            return null;
        }
        char t = text.charAt(10);
        if (t != 'T' && t != 't') {
            return null;
        }
        LocalDate date = fastDate(text);
        int hour = digits(text, 11, 2);
        int minute = digits(text, 14, 2);
        int second = digits(text, 17, 2);
        if (date == null || hour < 0 || minute < 0 || second < 0 || text.charAt(13) != ':' || text.charAt(16) != ':') {
            return null;
        }
        int at = 19;
        int nanos = 0;
        if (text.charAt(at) == '.') {
            int from = ++at;
            while (at < length && at - from < 9 && isDigit(text.charAt(at))) {
                nanos = nanos * 10 + (text.charAt(at) - '0');
                at++;
            }
            if (at == from || (at < length && isDigit(text.charAt(at)))) {
                return null;
            }
            for (int scale = at - from; scale < 9; scale++) {
                nanos *= 10;
            }
        }
        int offsetSeconds;
        if (at == length - 1 && (text.charAt(at) == 'Z' || text.charAt(at) == 'z')) {
            offsetSeconds = 0;
        } else if (at == length - 6 && (text.charAt(at) == '+' || text.charAt(at) == '-') && text.charAt(at + 3) == ':') {
            int hours = digits(text, at + 1, 2);
            int minutes = digits(text, at + 4, 2);
            if (hours < 0 || minutes < 0) {
                return null;
            }
            try {
                int sign = text.charAt(at) == '-' ? -1 : 1;
                offsetSeconds = ZoneOffset.ofHoursMinutes(sign * hours, sign * minutes).getTotalSeconds();
            } catch (DateTimeException outOfRange) {
                return null;
            }
        } else {
            return null;
        }
        LocalTime time;
        try {
            time = LocalTime.of(hour, minute, second, nanos);
        } catch (DateTimeException noSuchTime) {
            return null;
        }
        return Instant.ofEpochSecond(date.toEpochDay() * 86_400 + time.toSecondOfDay() - offsetSeconds, nanos);
    }

    /** The ASCII digits at {@code text[from..from+count)} as a number; -1 if any is not one. */
    private static int digits(String text, int from, int count) {
        int value = 0;
        for (int i = from; i < from + count; i++) {
            char c = text.charAt(i);
            if (!isDigit(c)) {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }
}
