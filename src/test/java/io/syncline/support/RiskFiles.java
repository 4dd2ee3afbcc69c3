package io.syncline.support;

import java.nio.charset.StandardCharsets;
import java.util.Set;

/** Actuarial risk files as the actuarial model exports them. */
public final class RiskFiles {

    public static final String HEADER = "riskRecordId,segmentCode,lineOfBusiness,region,effectiveFrom,calculatedAt,"
            + "expectedLossRatio,claimFrequency,averageSeverity,exposureUnits,riskScore,currency,modelVersion";

    private RiskFiles() {
    }

    public static String validRow(String id, int i) {
        return id + ",AUTO-DE-" + (i % 16) + ",auto,DE-BY,2026-12-01,2026-11-27T22:00:00Z,0.6" + (i % 10) + ",0.1"
                + (i % 9) + "," + (2000 + i) + ".50," + (1000 + i) + "," + (i % 1000) + ",EUR,4.2.1";
    }

    /** Wrong enumeration, impossible date, a ratio that is not a number. */
    public static String invalidRow(String id) {
        return id + ",AUTO-DE-1,boats,DE-BY,2026-13-01,2026-11-27T22:00:00Z,abc,0.1,2000.50,1000,1,EUR,4.2.1";
    }

    /**
     * A CSV of {@code rows} data rows whose keys start with {@code prefix}; the rows at the given file lines
     * (header = line 1) are invalid.
     */
    public static byte[] csv(String prefix, int rows, Set<Integer> invalidLines) {
        StringBuilder csv = new StringBuilder(HEADER).append('\n');
        for (int i = 1; i <= rows; i++) {
            String id = prefix + String.format("%05d", i);
            int line = i + 1;
            csv.append(invalidLines.contains(line) ? invalidRow(id) : validRow(id, i)).append('\n');
        }
        return csv.toString().getBytes(StandardCharsets.UTF_8);
    }

    public static String newPrefix() {
        return "RSK-T" + Long.toString(System.nanoTime(), 36).toUpperCase() + "-";
    }
}
