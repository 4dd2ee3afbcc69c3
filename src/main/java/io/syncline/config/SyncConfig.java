package io.syncline.config;

import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
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

    Security security();

    /**
     * Who may read the wellness checks and the metrics without signing in: {@code permit} (open), {@code viewer}
     * (role viewer or operator), {@code authenticated} or {@code deny}. The probes (live, ready, started) stay open.
     */
    interface Security {
        @WithDefault("permit")
        String health();

        @WithDefault("permit")
        String metrics();

        /** {@code /q/openapi} and {@code /q/swagger-ui}: the same values. */
        @WithDefault("permit")
        String openapi();
    }

    Salesforce salesforce();

    /** The sync assessment: evidence window and the API allowance its cost comparison uses. */
    io.syncline.assessment.AssessmentSettings assessment();

    /** The one Salesforce org of this installation, shared by every flow with {@code target.kind=salesforce}. */
    interface Salesforce {
        /** {@code https://login.salesforce.com}, {@code https://test.salesforce.com} or the org's My Domain. */
        @WithDefault("https://login.salesforce.com")
        String loginUrl();

        @WithDefault("jwt")
        SalesforceAuth auth();

        /** The connected app's consumer key. */
        Optional<String> clientId();

        /** The connected app's consumer secret (client credentials only). */
        Optional<String> clientSecret();

        /** The user a JWT bearer token is issued for. */
        Optional<String> username();

        /** PKCS12 keystore holding the private key whose certificate the connected app has (JWT only). */
        Optional<String> keystorePath();

        Optional<String> keystorePassword();

        /** The JWT {@code aud}; defaults to the login URL (set https://test.salesforce.com for a sandbox behind My Domain). */
        Optional<String> jwtAudience();

        @WithDefault("61.0")
        String apiVersion();

        /** One request to Salesforce, login included. */
        @WithDefault("30s")
        Duration requestTimeout();

        /** Daily API calls kept for critical flows: below it, batch flows that are not agent-facing hold. */
        @WithDefault("5000")
        long apiReserve();

        /** While held, how often the org's remaining allocation is read again (GET /limits). */
        @WithDefault("60s")
        Duration holdCheckInterval();

        /** How long publishing pauses after REQUEST_LIMIT_EXCEEDED or 429 when Salesforce gives no Retry-After. */
        @WithDefault("30s")
        Duration limitBackoff();

        /** Resends of records Salesforce could not lock (UNABLE_TO_LOCK_ROW) before they count as failed. */
        @WithDefault("3")
        int lockRetries();

        /** Largest random pause before such a resend. */
        @WithDefault("2s")
        Duration lockRetryJitter();

        /** How often a Bulk API 2.0 job's state is read while it runs. */
        @WithDefault("5s")
        Duration bulkPollInterval();

        /** A Bulk API 2.0 job not finished by then fails the chunk as transient (the job is left to Salesforce). */
        @WithDefault("30m")
        Duration bulkTimeout();
    }

    /** {@code jwt}: OAuth 2.0 JWT bearer; {@code client-credentials}: OAuth 2.0 client credentials. */
    enum SalesforceAuth {
        jwt,
        client_credentials
    }

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

        /**
         * How far a record's source timestamp may lie in the future (clocks drift): beyond it the record is invalid,
         * so a wrong or forged date never becomes the version every later update of its key is compared with.
         */
        @WithDefault("5m")
        Duration maxClockSkew();
    }

    /**
     * The flows as mapped at start-up: each flow folder's {@code flow.properties} (built in under {@code flows/<id>/},
     * or in {@link #flowsDir()}), and whatever application.properties or the environment sets over it. Read
     * {@link #flows()}, which follows reloads.
     */
    @io.smallrye.config.WithName("flows")
    Map<String, Flow> flowsAtStartUp();

    /**
     * The flows as they run now: those of start-up, with the flows whose folder was reloaded since (an edited
     * flow.properties, a folder added to or removed from {@link #flowsDir()}) as read again (see {@link FlowSettings}).
     */
    default Map<String, Flow> flows() {
        return FlowSettings.current(flowsAtStartUp());
    }

    /**
     * A folder of flow folders outside the jar: a folder adds a flow, or replaces the built-in flow of its id (see
     * {@link FlowFolders}); looked at while Syncline runs (see {@link #flowsReloadInterval()}).
     */
    Optional<String> flowsDir();

    /**
     * How often the folders of {@link #flowsDir()} are looked at while Syncline runs: an edited route.yaml,
     * flow.properties or schema.json is checked and, if it passes, reloads its flow alone; a new folder starts its flow,
     * a removed one stops it.
     */
    @WithDefault("2s")
    Duration flowsReloadInterval();

    /** The flow's settings, or an error naming the flow when it has no {@code sync.flows.<id>} block. */
    default Flow flow(String flowId) {
        Flow flow = flows().get(flowId);
        if (flow == null) {
            throw new IllegalStateException("No configuration block sync.flows." + flowId + " for flow " + flowId);
        }
        return flow;
    }

    /**
     * Rows per chunk of a file: the flow's {@code target.chunk-size}, else {@code sync.batch.chunk-size}; for a
     * salesforce target one more than its bulk threshold, so the first chunk tells whether the file is above it.
     */
    default int fileChunkSize(String flowId) {
        Target target = flow(flowId).target();
        if (target.chunkSize().isPresent()) {
            return target.chunkSize().get();
        }
        return target.kind() == TargetKind.salesforce ? target.salesforce().bulkThreshold() + 1 : batch().chunkSize();
    }

    /** How many chunks of one file are delivered at once: {@code target.chunks-in-flight}, else the batch default. */
    default int fileChunksInFlight(String flowId) {
        int chunks = flow(flowId).target().chunksInFlight().orElse(batch().chunksInFlight());
        if (chunks < 1) {
            throw new IllegalArgumentException("sync.flows." + flowId + ".target.chunks-in-flight (else sync.batch.chunks-in-flight)"
                    + " must be at least 1, is " + chunks);
        }
        return chunks;
    }

    interface Broker {
        /** Run ActiveMQ Artemis inside the process; false points at {@code quarkus.artemis.url}. */
        @WithDefault("true")
        boolean embedded();

        /**
         * An extra acceptor for connections from outside the process, e.g. {@code tcp://127.0.0.1:61616?protocols=CORE}.
         * Every connection through it authenticates as one of {@link #users()}.
         */
        Optional<String> acceptor();

        /**
         * Who may connect through the acceptor: {@code sync.broker.users.<name>.*}. Syncline's own in-process
         * connections need no user.
         */
        Map<String, BrokerUser> users();

        /**
         * An acceptor without TLS on an address other than loopback sends passwords and records in clear: start-up
         * refuses it unless this is true (then it warns at every start).
         */
        @WithDefault("false")
        boolean allowPlaintextAcceptor();

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

        /**
         * How long the embedded broker's journal gathers writes before one sync to disk: every durable send (a
         * webhook's {@code 202}) and every commit waits for that sync. Artemis' own NIO default is 3.33 ms; 0.5 ms
         * carried 3.6 times the durable sends in the benchmark (docs/benchmarks.md), at more syncs per second.
         */
        @WithDefault("PT0.0005S")
        Duration journalBufferTimeout();
    }

    /** A user of the embedded broker's acceptor: a source system, or another Syncline instance. */
    interface BrokerUser {
        /** {@code HEX(SHA-512("<name>:Syncline:<password>"))}, as for the operations API's users. */
        String passwordHash();

        /** Flows whose queue {@code sync.<flow-id>.in} this user may send to, and nothing else. */
        Optional<List<String>> sendTo();

        /**
         * Another Syncline instance sharing this broker: it may send, consume and browse what Syncline does (the flow
         * queues and the dead letters), but not purge, delete or manage.
         */
        @WithDefault("false")
        boolean instance();
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

    /**
     * Syncline's state (versions, idempotency keys, checkpoints, cursors, paused flows; with PostgreSQL the Quartz
     * schedules too), mapped onto the Quarkus datasources by {@code io.syncline.state.StateDatabaseConfig}.
     */
    interface State {
        /** {@code jdbc:postgresql://...} shared by every instance; empty: an embedded H2 database under ${sync.data-dir}/state. */
        Optional<String> jdbcUrl();

        Optional<String> username();

        Optional<String> password();
    }

    State state();

    /**
     * This instance's name among several sharing a broker and a state store: the {@code instance} tag of its metrics,
     * the holder of its file claims, its Quartz instance id. Unset: the host name and the process id.
     */
    @io.smallrye.config.WithName("instance-id")
    Optional<String> instanceIdSetting();

    /** {@code sync.instance-id}, else {@code <host name>-<pid>}. */
    default String instanceId() {
        return instanceIdSetting().filter(id -> !id.isBlank()).orElseGet(() -> {
            String host = System.getenv("HOSTNAME");
            if (host == null || host.isBlank()) {
                try {
                    host = java.net.InetAddress.getLocalHost().getHostName();
                } catch (java.net.UnknownHostException e) {
                    host = "syncline";
                }
            }
            return host + "-" + ProcessHandle.current().pid();
        });
    }

    Cluster cluster();

    /** How instances sharing a PostgreSQL state store notice that one of them stopped. */
    interface Cluster {
        /** How often an instance checks in with the clustered Quartz store; a silent one's jobs are recovered. */
        @WithDefault("5s")
        Duration checkinInterval();

        /**
         * A file claim not renewed for this long belongs to an instance that stopped (killed): another one takes the
         * file over and resumes it from its checkpoint. Claims are renewed every quarter of it.
         */
        @WithDefault("60s")
        Duration fileClaimTimeout();
    }

    interface Batch {
        /** Records per chunk read from a file or pulled page, and per request to an http target. */
        @WithDefault("200")
        int chunkSize();

        /**
         * Chunks of one file delivered at once, each on a thread of its own, the checkpoint still in file order; 1:
         * one after the other.
         */
        @WithDefault("2")
        int chunksInFlight();
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

        /** The seed's questions answered for this flow; the assessment advises a mode from them and the evidence. */
        io.syncline.assessment.DeclaredAnswers assessment();

        /** How the flow's queue is taken in chunks (the jms-intake template reads it). */
        FlowBatch batch();
    }

    /** {@code sync.flows.<id>.batch.*}: chunks of queued real-time records. */
    interface FlowBatch {
        /** Messages taken from the queue in one transaction, run through the pipeline as one chunk. */
        @WithDefault("200")
        int maxRecords();

        /**
         * How long a chunk waits for more messages after its first one while messages keep coming; a message that
         * arrives alone never waits.
         */
        @WithDefault("5ms")
        Duration maxWait();
    }

    interface FlowWebhook {
        /** HMAC-SHA256 secret(s) of {@code X-Syncline-Signature}; several, comma-separated, during a rotation. */
        Optional<String> secret();

        /**
         * Without a secret: whether unsigned webhooks are accepted. Unset: only while the flow's records stay on this
         * machine ({@code target.kind=outbox}, the embedded first run); a flow that publishes to an http or salesforce
         * target takes signed webhooks only unless this says {@code true}.
         */
        Optional<Boolean> open();
    }

    /** Whether the flow takes unsigned webhooks: no secret, and {@code webhook.open} (or its outbox default) says so. */
    default boolean acceptsUnsignedWebhooks(String flowId) {
        Flow flow = flow(flowId);
        return flow.webhook().secret().filter(s -> !s.isBlank()).isEmpty()
                && flow.webhook().open().orElse(flow.target().kind() == TargetKind.outbox);
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
        http,
        /** Upsert by external id into the org of {@code sync.salesforce.*}; see {@link SalesforceObject}. */
        salesforce
    }

    /** Lower-case in configuration: {@code sync.flows.<id>.target.request=array|envelope}. */
    enum HttpRequest {
        /** The whole chunk in one request, as a JSON array of envelopes (one element for a record alone). */
        array,
        /** One request per record, its envelope as a JSON object. */
        envelope
    }

    interface Target {
        @WithDefault("outbox")
        TargetKind kind();

        Optional<String> url();

        Optional<Integer> chunkSize();

        /** Per-flow {@code sync.batch.chunks-in-flight}. */
        Optional<Integer> chunksInFlight();

        /** What one request to an {@code http} target carries: a chunk as a JSON array, or one envelope. */
        @WithDefault("array")
        HttpRequest request();

        /** Connect and read timeout of one call to an {@code http} target. */
        @WithDefault("10s")
        Duration timeout();

        /** How an {@code http} target is authenticated. */
        TargetAuth auth();

        /** What a {@code salesforce} target writes: the sObject, its external id and the field mapping. */
        SalesforceObject salesforce();
    }

    /** {@code none}, or the scheme an http target expects; lower-case with dashes in configuration. */
    enum TargetAuthKind {
        none,
        bearer,
        basic,
        api_key,
        oauth2
    }

    /**
     * {@code sync.flows.<id>.target.auth.*}: credentials of an http target. Secrets belong in the environment
     * ({@code ${CRM_TOKEN}} in the file, or the key's environment variable); Syncline never logs them.
     */
    interface TargetAuth {
        @WithDefault("none")
        TargetAuthKind kind();

        /** bearer: the token sent as {@code Authorization: Bearer <token>}. */
        Optional<String> token();

        /** basic: the user and password of {@code Authorization: Basic}. */
        Optional<String> username();

        Optional<String> password();

        /** api-key: the header that carries the key. */
        @WithDefault("X-API-Key")
        String header();

        Optional<String> apiKey();

        /** oauth2 (client credentials): the token endpoint, the client and its secret, the scope if any. */
        Optional<String> tokenUrl();

        Optional<String> clientId();

        Optional<String> clientSecret();

        Optional<String> scope();
    }

    /** A flow's records as sObjects: {@code sync.flows.<id>.target.salesforce.*}. */
    interface SalesforceObject {
        /** The sObject's API name, e.g. {@code Claim__c}. */
        Optional<String> sobject();

        /** The external id field upserts match on, e.g. {@code Claim_Number__c}; its value is the record's key. */
        Optional<String> externalIdField();

        /**
         * sObject field to record field: {@code mapping.Amount__c=amount} or a JSON Pointer,
         * {@code mapping.Policy__c=/policy/number}. A record value that is absent or null is not sent.
         */
        Map<String, String> mapping();

        /**
         * Record field or JSON Pointer of the parent record (e.g. the account of a contact): records that share it
         * travel in the same request, in order, so that Salesforce does not lock the parent row for two requests.
         */
        Optional<String> parentKey();

        /** A file with more rows than this goes through a Bulk API 2.0 ingest job rather than sObject Collections. */
        @WithDefault("2000")
        int bulkThreshold();
    }

    interface Freshness {
        /** Delivery lag (source timestamp to target acknowledgement) above which the flow is stale. */
        Optional<Duration> maxLag();

        /** Time without a delivery after which the flow is stale (a missed batch window, a quiet source). */
        Optional<Duration> maxSilence();

        /** Dead letters above which the flow is failing. */
        @WithDefault("100")
        int maxDeadLetters();

        /**
         * Share (0 to 1) of the records received over {@code rejection-window} that were rejected or dead-lettered,
         * at or above which the flow is failing (once it received {@code rejection-min-count}).
         */
        @WithDefault("0.5")
        double maxRejectedShare();

        @WithDefault("15m")
        Duration rejectionWindow();

        @WithDefault("10")
        int rejectionMinCount();

        /** When the flow should hear from its source; unset: no expectation. */
        ExpectedActivity expectedActivity();
    }

    interface ExpectedActivity {
        /** The longest the source may stay quiet within {@code hours}; unset: no expectation. */
        Optional<Duration> maxQuiet();

        /**
         * When the source is expected to send, e.g. {@code MON-FRI 08:00-18:00} or {@code MON-FRI 09:00-17:30;
         * SAT 10:00-14:00}; unset: every day, all day.
         */
        Optional<String> hours();

        /** The time zone of {@code hours}. */
        @WithDefault("UTC")
        ZoneId zone();
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
