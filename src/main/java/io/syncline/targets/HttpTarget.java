package io.syncline.targets;

import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.http.HttpMethods;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.micrometer.core.instrument.MeterRegistry;
import io.syncline.assessment.EvidenceStore;
import io.syncline.config.SyncConfig;
import io.syncline.deadletter.DeadLetters;
import io.syncline.pipeline.Headers;
import io.syncline.pipeline.SyncPipeline;
import io.syncline.pipeline.SyncProperties;
import io.syncline.record.Envelope;

/**
 * POSTs a chunk of envelopes to the flow's {@code target.url}, as the flow's {@code target.request} says: {@code array}
 * (the default), the whole chunk as one JSON array, whatever the intake; {@code envelope}, one JSON object per request.
 * When the target refuses an array of several records outright (a permanent status), the same records go again one
 * per request, so that only the record it refuses becomes a dead letter. The call itself is Camel's http producer in
 * {@code sync-target-http}, which loops while {@link #hasRequestsLeft} says so.
 */
@ApplicationScoped
@Named("httpTarget")
public class HttpTarget {

    static final int RESPONSE_EXCERPT = 500;

    private final SyncConfig config;
    private final SyncPipeline pipeline;
    private final MeterRegistry registry;
    private final EvidenceStore evidence;
    private final ObjectMapper mapper;
    private final DeadLetters deadLetters;
    private final HttpTargetAuth auth;

    HttpTarget(SyncConfig config, SyncPipeline pipeline, MeterRegistry registry, ObjectMapper mapper, DeadLetters deadLetters,
            HttpTargetAuth auth, EvidenceStore evidence) {
        this.auth = auth;
        this.evidence = evidence;
        this.config = config;
        this.pipeline = pipeline;
        this.registry = registry;
        this.mapper = mapper;
        this.deadLetters = deadLetters;
    }

    /**
     * Whether records of the chunk still wait for a request. The first call takes the chunk from the body; the records
     * not yet delivered stay in {@link SyncProperties#CHUNK_IN_FLIGHT}, so a retry after a transient failure sends
     * only those.
     */
    public boolean hasRequestsLeft(Exchange exchange) {
        return !SyncProperties.inFlight(exchange).isEmpty();
    }

    /** After the last request: the records the target took, for the outcome step. */
    public void finish(Exchange exchange) {
        exchange.getMessage().setBody(SyncProperties.takeDelivered(exchange));
    }

    /** Request body and headers. Every inbound header is dropped first so that none can steer the producer. */
    public void prepare(Exchange exchange) {
        List<Envelope> pending = pending(exchange);
        String flow = exchange.getProperty(SyncProperties.FLOW, String.class);
        SyncConfig.Target target = config.flow(flow).target();
        String url = target.url().orElseThrow(
                () -> new PermanentTargetException("Flow " + flow + " has target.kind=http but no sync.flows." + flow + ".target.url"));

        boolean single = target.request() == SyncConfig.HttpRequest.envelope;
        List<Envelope> chunk = single || exchange.getProperty(SyncProperties.ONE_BY_ONE) != null
                ? List.of(pending.get(0)) : List.copyOf(pending);
        byte[] body;
        String idempotencyKey;
        if (single) {
            body = pipeline.toJsonLine(chunk.get(0));
            idempotencyKey = chunk.get(0).eventId();
        } else {
            // Camel's http sends a byte[] as it is
            body = pipeline.joined(chunk, "[", ',', "]");
            StringBuilder ids = new StringBuilder();
            for (Envelope envelope : chunk) {
                ids.append(envelope.eventId()).append(',');
            }
            // The same chunk retried carries the same key, so the target can drop the repeat.
            idempotencyKey = UUID.nameUUIDFromBytes(ids.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8)).toString();
        }

        Message message = exchange.getMessage();
        Headers.clearInbound(message);
        // the enum, not "POST": the producer would convert the string through a type-converter lookup every call
        message.setHeader(Exchange.HTTP_METHOD, HttpMethods.POST);
        message.setHeader(Exchange.CONTENT_TYPE, "application/json");
        message.setHeader("Idempotency-Key", idempotencyKey);
        auth.authenticate(flow, message);
        message.setBody(body);
        exchange.setProperty(SyncProperties.TARGET_URL, endpointUri(url, target.timeout()));
        exchange.setProperty(SyncProperties.REQUEST_IN_FLIGHT, chunk);
    }

    /**
     * Classifies the answer. 2xx: the request's records are delivered (less those a bulk answer marks failed). 408,
     * 429 and 5xx are transient, with the target's {@code Retry-After} as the next delay; any other status is
     * permanent: for an array of several records, they go again one per request; for one record of a larger chunk, it
     * becomes a dead letter and the rest carry on; for a chunk of one, the chunk fails.
     */
    public void checkResponse(Exchange exchange) {
        Message message = exchange.getMessage();
        int status = message.getHeader(Exchange.HTTP_RESPONSE_CODE, 0, Integer.class);
        @SuppressWarnings("unchecked")
        List<Envelope> request = exchange.getProperty(SyncProperties.REQUEST_IN_FLIGHT, List.class);
        exchange.removeProperty(SyncProperties.REQUEST_IN_FLIGHT);
        List<Envelope> pending = pending(exchange);
        @SuppressWarnings("unchecked")
        List<Envelope> deliveredSoFar = exchange.getProperty(SyncProperties.DELIVERED_SO_FAR, List.class);
        String flow = exchange.getProperty(SyncProperties.FLOW, String.class);
        registry.counter("syncline.target.calls", "flow", flow, "status", String.valueOf(status)).increment();
        evidence.targetCalled(flow);
        String answer = message.getBody(String.class);
        if (status >= 200 && status < 300) {
            Headers.clearInbound(message);
            deliveredSoFar.addAll(delivered(exchange, request, answer, status));
            pending.subList(0, request.size()).clear();
            message.setBody(pending);
            return;
        }
        String response = "HTTP " + status + (answer == null || answer.isEmpty() ? "" : ": " + excerpt(answer));
        Duration retryAfter = retryAfter(message.getHeader("Retry-After", String.class));
        Headers.clearInbound(message);
        // Restore the records still to deliver, so a retry or a dead letter sees them and not the target's answer.
        message.setBody(pending);
        if (status == 401 && auth.refused(flow)) {
            throw new TransientTargetException("Target answered HTTP 401 to the OAuth2 token; retried with a new one");
        }
        boolean transientStatus = status == 408 || status == 429 || status >= 500;
        if (!transientStatus && request.size() > 1) {
            exchange.setProperty(SyncProperties.ONE_BY_ONE, true);
            return;
        }
        boolean wholeChunk = pending.size() == 1 && deliveredSoFar.isEmpty()
                && exchange.getProperty(SyncProperties.ONE_BY_ONE) == null
                && exchange.getProperty(SyncProperties.DEAD_LETTERS, List.of(), List.class).isEmpty();
        if (!transientStatus && !wholeChunk) {
            deadLetters.rejectedItems(exchange, request, List.of(response));
            pending.remove(0);
            return;
        }
        exchange.setProperty(SyncProperties.TARGET_RESPONSE, response);
        if (transientStatus) {
            if (retryAfter != null) {
                long capped = Math.min(retryAfter.toMillis(), config.retry().maxDelayMs());
                message.setHeader(Exchange.REDELIVERY_DELAY, capped);
            }
            throw new TransientTargetException("Target answered HTTP " + status);
        }
        throw new PermanentTargetException("Target refused the records with HTTP " + status);
    }

    @SuppressWarnings("unchecked")
    private static List<Envelope> pending(Exchange exchange) {
        return exchange.getProperty(SyncProperties.CHUNK_IN_FLIGHT, List.class);
    }

    /**
     * A 2xx whose body still reports failures, as bulk APIs do: a top-level array or a {@code results} array with
     * one element per record sent, each {@code "success": false} marking that record rejected; or an object with
     * {@code "success": false} for the whole request. Rejected records become dead letters (category
     * target-permanent, with the target's element as its answer); the others are delivered.
     */
    private List<Envelope> delivered(Exchange exchange, List<Envelope> chunk, String answer, int status) {
        JsonNode body = parse(answer);
        if (body == null) {
            return chunk;
        }
        if (body.isObject() && body.path("success").isBoolean() && !body.path("success").asBoolean()) {
            exchange.setProperty(SyncProperties.TARGET_RESPONSE, "HTTP " + status + ": " + excerpt(answer));
            throw new PermanentTargetException("Target answered HTTP " + status + " but reported the request failed");
        }
        JsonNode results = body.isArray() ? body : body.path("results");
        if (!results.isArray() || results.size() != chunk.size()) {
            return chunk;
        }
        List<Envelope> accepted = new ArrayList<>(chunk.size());
        List<Envelope> rejected = new ArrayList<>();
        List<String> answers = new ArrayList<>();
        for (int i = 0; i < chunk.size(); i++) {
            JsonNode result = results.get(i);
            if (result.path("success").isBoolean() && !result.path("success").asBoolean()) {
                rejected.add(chunk.get(i));
                answers.add("HTTP " + status + ", item " + i + ": " + excerpt(result.toString()));
            } else {
                accepted.add(chunk.get(i));
            }
        }
        if (!rejected.isEmpty()) {
            deadLetters.rejectedItems(exchange, rejected, answers);
        }
        return accepted;
    }

    private JsonNode parse(String answer) {
        if (answer == null || answer.isBlank()) {
            return null;
        }
        try {
            return mapper.readTree(answer);
        } catch (Exception notJson) {
            return null;
        }
    }

    /**
     * The producer's endpoint: the target URL as configured, its own query string kept, and the call's options after
     * it. Connect, socket and response timeouts are the flow's {@code target.timeout}.
     */
    static String endpointUri(String url, Duration timeout) {
        long millis = timeout.toMillis();
        return url + (url.indexOf('?') < 0 ? "?" : "&") + "throwExceptionOnFailure=false&connectTimeout=" + millis
                + "&soTimeout=" + millis + "&responseTimeout=" + millis;
    }

    /** {@code Retry-After} as delay-seconds or an HTTP date; null when absent or unreadable. */
    static Duration retryAfter(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String v = value.trim();
        try {
            return Duration.ofSeconds(Math.max(0, Long.parseLong(v)));
        } catch (NumberFormatException e) {
            try {
                Duration until = Duration.between(java.time.Instant.now(),
                        ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
                return until.isNegative() ? Duration.ZERO : until;
            } catch (DateTimeParseException unreadable) {
                return null;
            }
        }
    }


    private static String excerpt(String answer) {
        return answer.length() <= RESPONSE_EXCERPT ? answer : answer.substring(0, RESPONSE_EXCERPT) + "…";
    }
}
