package io.syncline.validation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** The hand-read shapes give exactly what java.time gives, and everything else still goes to java.time. */
class IsoTimesTest {

    @Test
    void usualShapesReadAsJavaTimeReadsThem() {
        for (String text : List.of("2026-11-27T09:14:00Z", "2026-11-27t09:14:00z", "2026-11-27T09:14:00.250+01:00",
                "2026-11-27T23:59:59.123456789-05:30", "2024-02-29T00:00:00+18:00", "0000-01-01T00:00:00-18:00",
                "9999-12-31T23:59:59.9Z", "2026-11-27T09:14:00-00:00", "2026-11-27T09:14:00-00:30",
                "2026-11-27T09:14:00+00:30", "2026-11-27T09:14:00-05:45")) {
            assertEquals(OffsetDateTime.parse(text).toInstant(), IsoTimes.offsetDateTime(text), text);
        }
        assertEquals(LocalDate.of(2024, 2, 29), IsoTimes.date("2024-02-29"));
    }

    @Test
    void whatJavaTimeRefusesIsRefused() {
        for (String text : List.of("2026-02-30T09:14:00Z", "2026-11-27T24:00:00Z", "2026-11-27T23:59:60Z",
                "2026-11-27T09:14:00+19:00", "2026-11-27T09:14:00", "2026-11-27 09:14:00Z", "2026-11-27T09:14:00+0100",
                "2026-11-27T09:14:00.1234567890Z", "2026-13-01T00:00:00Z", "２０２６-11-27T09:14:00Z", "")) {
            assertNull(IsoTimes.offsetDateTime(text), text);
        }
        assertNull(IsoTimes.date("2023-02-29"));
        assertNull(IsoTimes.date("2026-1-27"));
        assertNull(IsoTimes.date("２０２６-11-27"));
    }

    @Test
    void otherShapesJavaTimeTakesAreStillTaken() {
        // no seconds, a point without a fraction, an offset with seconds or hours only: not read by hand, read by java.time
        for (String text : List.of("2026-11-27T09:14Z", "2026-11-27T09:14:00+01", "2026-11-27T09:14:00.Z",
                "2026-11-27T09:14:00+01:00:30", "+12026-11-27T09:14:00Z")) {
            assertEquals(OffsetDateTime.parse(text).toInstant(), IsoTimes.offsetDateTime(text), text);
        }
        assertEquals(LocalDate.parse("+12026-11-27"), IsoTimes.date("+12026-11-27"));
    }

    @Test
    void aDateOrAnyTextShorterThanTheShortestDateTimeIsNoDateTimeAsForJavaTime() {
        // every prefix of the usual shapes (the shortest date-time java.time takes is 17 characters), and dates
        for (String whole : List.of("2026-11-27T09:14:00Z", "2026-11-27T09:14Z", "+12026-11-27T09:14Z", "2026-11-27t09:14z")) {
            for (int end = 0; end <= whole.length(); end++) {
                String text = whole.substring(0, end);
                assertEquals(javaTime(text), IsoTimes.offsetDateTime(text), text);
            }
        }
        for (String date : List.of("2026-11-27", "+12026-11-27", "2026-11-27+01:00", "20261127T0914Z")) {
            assertEquals(javaTime(date), IsoTimes.offsetDateTime(date), date);
        }
        assertEquals(OffsetDateTime.parse("2026-11-27T09:14Z").toInstant(), IsoTimes.offsetDateTime("2026-11-27T09:14Z"));
    }

    @Test
    void agreesWithJavaTimeOnTextsNearTheUsualShapes() {
        Random random = new Random(20261202);
        String alphabet = "0123456789-:T.Zz+ t5";
        int handRead = 0;
        for (int i = 0; i < 200_000; i++) {
            StringBuilder text = new StringBuilder(i % 2 == 0 ? "2024-02-29T23:59:59.123+05:30" : "1999-12-31T00:00:00Z");
            for (int edits = random.nextInt(3); edits > 0; edits--) {
                int at = random.nextInt(text.length());
                switch (random.nextInt(3)) {
                    case 0 -> text.setCharAt(at, alphabet.charAt(random.nextInt(alphabet.length())));
                    case 1 -> text.deleteCharAt(at);
                    default -> text.insert(at, alphabet.charAt(random.nextInt(alphabet.length())));
                }
            }
            String candidate = text.toString();
            assertEquals(javaTime(candidate), IsoTimes.offsetDateTime(candidate), candidate);
            String date = candidate.substring(0, Math.min(10, candidate.length()));
            assertEquals(javaTimeDate(date), IsoTimes.date(date), date);
            if (candidate.length() >= 20 && javaTime(candidate) != null && candidate.charAt(10) != ' ') {
                handRead++;
            }
        }
        // the texts compared include many the hand reader takes, not only ones java.time is left to decide
        assertTrue(handRead > 50_000, "only " + handRead + " valid date-times among the texts compared");
    }

    @Test
    void theSchemasDateFormatRefusesADayThatDoesNotExist() throws Exception {
        FlowSchema schema = new FlowSchemas(new ObjectMapper()).forFlow("insurance-claims");
        ObjectNode claim = (ObjectNode) new ObjectMapper().readTree(getClass().getResourceAsStream(
                "/flows/insurance-claims/examples/valid.json"));
        assertTrue(schema.validate(claim).isEmpty(), () -> "the example is valid: " + schema.validate(claim));
        claim.put("lossDate", "2026-02-30");
        List<FieldError> errors = schema.validate(claim);
        assertEquals(1, errors.size(), errors::toString);
        assertEquals("/lossDate", errors.get(0).pointer());
        assertTrue(errors.get(0).message().contains("date"), errors.get(0).message());
        claim.put("lossDate", "2024-02-29");
        assertTrue(schema.validate(claim).isEmpty(), () -> schema.validate(claim).toString());
    }

    @Test
    void theDateFormatKeepsTheValidatorsYears() throws Exception {
        IsoDateFormat format = new IsoDateFormat();
        assertTrue(format.matches(null, "2024-02-29"));
        assertFalse(format.matches(null, "2023-02-29"));
        assertFalse(format.matches(null, "+10000-01-01"), "the validator's own date format takes years 0 to 9999 only");
        assertTrue(format.matches(null, "0000-01-01"));
    }

    private static Instant javaTime(String text) {
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeException refused) {
            return null;
        }
    }

    private static LocalDate javaTimeDate(String text) {
        try {
            return LocalDate.parse(text);
        } catch (DateTimeException refused) {
            return null;
        }
    }
}
