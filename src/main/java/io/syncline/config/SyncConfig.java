package io.syncline.config;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Everything under {@code sync.*}. Routes read the same keys through Camel placeholders, so a key
 * documented here is the one a user sets, whatever reads it.
 */
@ConfigMapping(prefix = "sync")
public interface SyncConfig {

    /** Root of inbox/, archive/, failed/, reports/, outbox/, state/ and broker/. */
    @WithDefault("data")
    String dataDir();

    Broker broker();

    WebhookLimits webhook();

    Retry retry();

    Batch batch();

    Limits limits();

    /** What one record, line or file may be; beyond it, a clear error and nothing else lost. */
    interface Limits {
        /** Nesting depth of a JSON document (webhook body, JSON Lines line, page item). */
        @WithDefault("32")
        int jsonMaxDepth();

        /** Characters in one JSON string or CSV cell. */
        @WithDefault("100000")
        int maxStringLength();

        /** Characters in one line of a JSON Lines file. */
        @WithDefault("1048576")
        int maxLineLength();

        /** Columns of a CSV file. */
        @WithDefault("500")
        int csvMaxColumns();

        @WithDefault("2G")
        MemorySize maxFileSize();
    }

    Map<String, Flow> flows();

    /** The flow's settings, or an error naming the flow when it has no {@code sync.flows.<id>} block. */
    default Flow flow(String flowId) {
        Flow flow = flows().get(flowId);
        if (flow == null) {
            throw new IllegalStateException("No configuration block sync.flows." + flowId + " for flow " + flowId);
        }
        return flow;
    }

    interface Broker {
        /** Run ActiveMQ Artemis inside the process; false points at {@code quarkus.artemis.url}. */
        @WithDefault("true")
        boolean embedded();

        /** An extra acceptor for producers outside the process, e.g. {@code tcp://127.0.0.1:61616}. */
        Optional<String> acceptor();

        /** Broker redelivery of a message whose consumer rolled back. */
        @WithDefault("1s")
        Duration redeliveryDelay();

        @WithDefault("2.0")
        double redeliveryMultiplier();

        @WithDefault("60s")
        Duration maxRedeliveryDelay();

        @WithDefault("10")
        int maxDeliveryAttempts();

        /** Where the broker moves a message after max delivery attempts; also the application's dead letters. */
        @WithDefault("sync.dead-letters")
        String deadLetterAddress();
    }

    interface WebhookLimits {
        @WithDefault("1M")
        MemorySize maxBodySize();

        /** How far a signature's timestamp may be from now. */
        @WithDefault("300s")
        Duration signatureTolerance();

        /** How long an {@code Idempotency-Key} is remembered. */
        @WithDefault("24h")
        Duration idempotencyWindow();
    }

    /** Retry of transient target failures (408, 429, 5xx, I/O), exponential with jitter. */
    interface Retry {
        /** Retries after the first attempt; a flow may set its own ({@code sync.flows.<id>.retry.max-redeliveries}). */
        @WithDefault("5")
        int maxRedeliveries();

        /** No retry starts later than this after the first failure; a flow may set its own. */
        @WithDefault("5m")
        Duration maxElapsed();

        @WithDefault("500")
        long initialDelayMs();

        @WithDefault("2.0")
        double multiplier();

        @WithDefault("30000")
        long maxDelayMs();
    }

    DeadLetters deadLetters();

    interface DeadLetters {
        /** A dead letter replayed this many times stays put: a record that keeps failing is not replayed in a loop. */
        @WithDefault("3")
        int maxReplays();
    }

    /** Where the last delivered version of each key is kept (the stale-version guard). */
    interface State {
        /** JDBC URL; empty: an embedded H2 database under ${sync.data-dir}/state. */
        Optional<String> jdbcUrl();

        Optional<String> username();

        Optional<String> password();
    }

    State state();

    interface Batch {
        /** Records per chunk read from a file or pulled page, and per request to an http target. */
        @WithDefault("200")
        int chunkSize();
    }

    interface Flow {
        @WithDefault("true")
        boolean enabled();

        /** Which intakes run: those of the mode, plus those every mode runs (a hybrid flow's both). */
        @WithDefault("realtime")
        Mode mode();

        /** The business data flow, as the seed names it, e.g. "New claim submissions". */
        Optional<String> dataFlow();

        @WithDefault("false")
        boolean agentFacing();

        Target target();

        /** Quartz cron for a file window or a pull. */
        Optional<String> schedule();

        Freshness freshness();

        Pull pull();

        FlowRetry retry();

        FlowWebhook webhook();

        /**
         * Concurrent consumers of the flow's queue (the jms-intake template reads it). Declared so that setting it,
         * as the README says, does not fail start-up as an unknown key.
         */
        @WithDefault("1")
        int consumers();
    }

    interface FlowWebhook {
        /** HMAC-SHA256 secret(s) of {@code X-Syncline-Signature}; several, comma-separated, during a rotation. */
        Optional<String> secret();
    }

    /** A flow's own retry budget; unset keys fall back to {@code sync.retry.*}. */
    interface FlowRetry {
        Optional<Integer> maxRedeliveries();

        Optional<Duration> maxElapsed();
    }

    /** Lower-case in configuration: {@code sync.flows.<id>.mode=realtime|batch}. */
    enum Mode {
        realtime,
        batch
    }

    enum TargetKind {
        /** JSON Lines files under ${sync.data-dir}/outbox/. */
        outbox,
        /** POST to target.url. */
        http
    }

    interface Target {
        @WithDefault("outbox")
        TargetKind kind();

        Optional<String> url();

        Optional<Integer> chunkSize();

        @WithDefault("10s")
        Duration timeout();
    }

    interface Freshness {
        /** Delivery lag (source timestamp to target acknowledgement) above which the flow is stale. */
        Optional<Duration> maxLag();

        /** Time without a delivery after which the flow is stale (a missed batch window, a quiet source). */
        Optional<Duration> maxSilence();

        /** Dead letters above which the flow is failing. */
        @WithDefault("100")
        int maxDeadLetters();
    }

    interface Pull {
        /** Source API answering {@code {"items":[...],"nextCursor":"..."}}. */
        Optional<String> url();

        @WithDefault("cursor")
        String cursorParam();

        @WithDefault("limit")
        String limitParam();

        @WithDefault("100")
        int pageSize();

        @WithDefault("items")
        String itemsField();

        @WithDefault("nextCursor")
        String nextCursorField();
    }
}
