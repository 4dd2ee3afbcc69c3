package io.syncline.record;

import java.util.Locale;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * How a record came in. Its wire name (lower case) is what users see: the dead letter's {@code intake}, the catalog's
 * {@code intakes}, the JMS property {@code syncIntake} and the {@code <flow-id>-<intake>} route ids.
 */
public enum IntakeKind {

    WEBHOOK, JMS, FILE, PULL;

    private final String wire = name().toLowerCase(Locale.ROOT);

    @JsonValue
    public String wire() {
        return wire;
    }

    /** The kind a wire name names; null for anything else (a worker route, a property some other producer set). */
    @JsonCreator
    public static IntakeKind fromWire(String wire) {
        for (IntakeKind kind : values()) {
            if (kind.wire.equals(wire)) {
                return kind;
            }
        }
        return null;
    }

    /** Whether it arrives one record at a time, rather than in a file's or a pull's chunk. */
    public boolean isRealTime() {
        return this == WEBHOOK || this == JMS;
    }

    @Override
    public String toString() {
        return wire;
    }
}
