package io.syncline.assessment;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.Optional;

import org.junit.jupiter.api.Test;

/** The cadence of the flows' own schedules, so that advice keeps a flow's window when it already has the cadence. */
class CadenceTest {

    @Test
    void aScheduleIsClassedByTheLongestGapBetweenItsFireTimes() {
        assertEquals(Optional.of(Cadence.weekly), Cadence.of("0 0/5 1-5 ? * SUN"));       // insurance-actuarial-risk
        assertEquals(Optional.of(Cadence.monthly), Cadence.of("0 0/10 2-6 1-3 * ?"));     // financial-monthly-statements
        assertEquals(Optional.of(Cadence.daily), Cadence.of("0 0/5 0-4 * * ?"));          // manufacturing-erp-reconciliation
        assertEquals(Optional.of(Cadence.every15Minutes), Cadence.of("0 0/15 * * * ?"));  // manufacturing-production-output
        assertEquals(Optional.of(Cadence.daily), Cadence.of("0 0 5 * * ?"));              // retail-catalog-pricing
        assertEquals(Optional.of(Cadence.hourly), Cadence.of("0 30 * * * ?"));
        assertEquals(Optional.empty(), Cadence.of("not a cron"));
    }

    @Test
    void theSuggestedCadenceIsTheLongestThatStillMeetsTheTempo() {
        assertEquals(Cadence.every15Minutes, Cadence.within(Duration.ofMinutes(5)));
        assertEquals(Cadence.every15Minutes, Cadence.within(Duration.ofMinutes(30)));
        assertEquals(Cadence.hourly, Cadence.within(Duration.ofHours(4)));
        assertEquals(Cadence.daily, Cadence.within(Duration.ofDays(1)));
        assertEquals(Cadence.weekly, Cadence.within(Duration.ofDays(7)));
        assertEquals(Cadence.monthly, Cadence.within(Duration.ofDays(31)));
        for (Cadence cadence : Cadence.values()) {
            assertEquals(Optional.of(cadence), Cadence.of(cadence.cron()), cadence.label());
        }
    }
}
