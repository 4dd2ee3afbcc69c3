package io.syncline.assessment;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * The seed's questions, answered per flow: {@code sync.flows.<id>.assessment.*}. Whether an AI agent acts on the
 * data autonomously is the flow's {@code agent-facing}; everything else is here. Values are checked at start-up
 * ({@link Answers#of}), so a typo fails naming the key.
 */
public interface DeclaredAnswers {

    /** The agent actions the flow's data informs, e.g. "renewal outreach" (a comma-separated list). */
    Optional<List<String>> agentActions();

    /** What goes wrong if the data is 24 hours old: none, operational, customer or regulatory. */
    Optional<String> delayConsequence();

    /** How quickly the people or agents who act on the data act on it (ISO-8601, e.g. PT30M, P7D). */
    Optional<Duration> decisionTempo();

    /** What the source system supports: push (webhooks), queue (JMS), api (pull) or files-only. */
    Optional<String> sourceSupports();

    /** What each mode costs to build and run (any currency, the same in both). */
    Costs cost();

    interface Costs {
        ModeCosts realtime();

        ModeCosts batch();
    }

    interface ModeCosts {
        /** One-off cost to build the integration in this mode. */
        OptionalDouble build();

        /** Yearly cost to run and maintain it in this mode. */
        OptionalDouble runPerYear();
    }
}
