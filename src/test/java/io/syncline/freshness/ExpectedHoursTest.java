package io.syncline.freshness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;

import org.junit.jupiter.api.Test;

/** Only time inside a flow's expected hours counts as quiet; durations read as words. */
class ExpectedHoursTest {

    static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

    @Test
    void aFridayEveningSilenceCountsAgainOnlyFromMondayMorning() {
        ExpectedHours business = new ExpectedHours("MON-FRI 08:00-18:00", BERLIN);
        Instant fridayFive = Instant.parse("2026-11-27T16:00:00Z"); // 17:00 in Berlin
        Instant mondayNine = Instant.parse("2026-11-30T08:00:00Z"); // 09:00 in Berlin
        assertEquals(Duration.ofHours(2), business.expectedTimeBetween(fridayFive, mondayNine));
        assertFalse(business.contains(Instant.parse("2026-11-28T10:00:00Z")));
        assertTrue(business.contains(mondayNine));
    }

    @Test
    void severalSpansAndAllDay() {
        ExpectedHours shop = new ExpectedHours("MON-FRI 09:00-17:30; SAT 10:00-14:00", ZoneId.of("UTC"));
        assertEquals(Duration.ofHours(4), shop.expectedTimeBetween(Instant.parse("2026-11-28T00:00:00Z"),
                Instant.parse("2026-11-29T00:00:00Z")));
        ExpectedHours always = new ExpectedHours("DAILY 00:00-24:00", ZoneId.of("UTC"));
        assertEquals(Duration.ofHours(36), always.expectedTimeBetween(Instant.parse("2026-11-28T00:00:00Z"),
                Instant.parse("2026-11-29T12:00:00Z")));
        assertThrows(IllegalArgumentException.class, () -> new ExpectedHours("weekdays 9-5", ZoneId.of("UTC")));
        assertThrows(IllegalArgumentException.class, () -> new ExpectedHours("MON 18:00-08:00", ZoneId.of("UTC")));
    }

    @Test
    void durationsReadAsWords() {
        assertEquals("3 d 9 h", Durations.words(Duration.parse("PT81H24M22.498S")));
        assertEquals("3 h 12 min", Durations.words(Duration.ofMinutes(192)));
        assertEquals("1 min", Durations.words(Duration.ofSeconds(60)));
        assertEquals("45 s", Durations.words(Duration.ofSeconds(45)));
        assertEquals("32 d", Durations.words(Duration.ofDays(32)));
        assertEquals("250 ms", Durations.words(Duration.ofMillis(250)));
    }
}
