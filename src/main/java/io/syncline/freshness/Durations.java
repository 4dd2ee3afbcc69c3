package io.syncline.freshness;

import java.time.Duration;

/** Durations as a person reads them: {@code 3 h 12 min}, {@code 8 d}, {@code 45 s}, never {@code PT81H24M22.498S}. */
public final class Durations {

    private Durations() {
    }

    /** The two largest units that are not zero, rounded down. */
    public static String words(Duration duration) {
        long ms = Math.max(0, duration.toMillis());
        if (ms < 1000) {
            return ms + " ms";
        }
        long[] amounts = { ms / 86_400_000, ms / 3_600_000 % 24, ms / 60_000 % 60, ms / 1000 % 60 };
        String[] units = { "d", "h", "min", "s" };
        StringBuilder words = new StringBuilder();
        int shown = 0;
        for (int i = 0; i < amounts.length && shown < 2; i++) {
            if (amounts[i] > 0) {
                words.append(words.isEmpty() ? "" : " ").append(amounts[i]).append(' ').append(units[i]);
                shown++;
            } else if (shown > 0) {
                break;
            }
        }
        return words.toString();
    }
}
