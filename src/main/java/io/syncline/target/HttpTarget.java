package io.syncline.target;

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
import io.syncline.config.SyncConfig;
import io.syncline.deadletter.DeadLetters;
import io.syncline.pipeline.Envelope;
import io.syncline.pipeline.Headers;
import io.syncline.pipeline.SyncPipeline;
import io.syncline.pipeline.SyncProperties;

/**
 * POSTs envelopes to the flow's {@code target.url}: one JSON object per request for a real-time intake, a JSON
 * array chunk for a file or a pull. The call itself is Camel's http producer in {@code sync-target-http}.
 */
@ApplicationScoped
@Named("httpTarget")
public class HttpTarget {

    static final int RESPONSE_EXCERPT = 500;

    private final SyncConfig config;
    private final SyncPipeline pipeline;
    private final MeterRegistry registry;
    private final ObjectMapper mapper;
    private final DeadLetters deadLetters;
    private final HttpTargetAuth auth;

    HttpTarget(SyncConfig config, SyncPipeline pipeline, MeterRegistry registry, ObjectMapper mapper, DeadLetters deadLetters,
            HttpTargetAuth auth) {
        this.auth = auth;
        this.config = config;
        this.pipeline = pipeline;
        this.registry = registry;
        this.mapper = mapper;
        this.deadLetters = deadLetters;
    }

    /** Request body and headers. Every inbound header is dropped first so that none can steer the producer. */
    public void prepare(Exchange exchange) {
        // On a retry after an I/O error the body is still the last request: the chunk is in the property.
        @SuppressWarnings("unchecked")
        List<Envelope> chunk = exchange.getProperty(SyncProperties.CHUNK_IN_FLIGHT, List.class);
        if (chunk == null) {
            chunk = exchange.getMessage().getBody(List.class);
        }
        String flow = exchange.getProperty(SyncProperties.FLOW, String.class);
        SyncConfig.Target target = config.flow(flow).target();
        String url = target.url().orElseThrow(
                () -> new PermanentTargetException("Flow " + flow + " has target.kind=http but no sync.flows." + flow + ".target.url"));

        boolean single = chunk.size() == 1 && chunk.get(0).isRealTime();
        String body;
        String idempotencyKey;
        if (single) {
            body = pipeline.toJsonLine(chunk.get(0));
            idempotencyKey = chunk.get(0).eventId();
        } else {
            StringBuilder array = new StringBuilder(chunk.size() * 256).append('[');
            StringBuilder ids = new StringBuilder();
            for (int i = 0; i < chunk.size(); i++) {
                array.append(i == 0 ? "" : ",").append(pipeline.toJsonLine(chunk.get(i)));
                ids.append(chunk.get(i).eventId()).append(',');
            }
            body = array.append(']').toString();
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
        exchange.setProperty(SyncProperties.CHUNK_IN_FLIGHT, chunk);
    }

    /**
     * Classifies the answer. 2xx: the chunk goes back in the body for the outcome step. 408, 429 and 5xx are
     * transient, with the target's {@code Retry-After} as the next delay; any other status is permanent.
     */
    public void checkResponse(Exchange exchange) {
        Message message = exchange.getMessage();
        int status = message.getHeader(Exchange.HTTP_RESPONSE_CODE, 0, Integer.class);
        @SuppressWarnings("unchecked")
        List<Envelope> chunk = exchange.getProperty(SyncProperties.CHUNK_IN_FLIGHT, List.class);
        exchange.removeProperty(SyncProperties.CHUNK_IN_FLIGHT);
        String flow = exchange.getProperty(SyncProperties.FLOW, String.class);
        registry.counter("syncline.target.calls", "flow", flow, "status", String.valueOf(status)).increment();
        String answer = message.getBody(String.class);
        if (status >= 200 && status < 300) {
            Headers.clearInbound(message);
            message.setBody(delivered(exchange, chunk, answer, status));
            return;
        }
        exchange.setProperty(SyncProperties.TARGET_RESPONSE, "HTTP " + status
                + (answer == null || answer.isEmpty() ? "" : ": " + excerpt(answer)));
        Duration retryAfter = retryAfter(message.getHeader("Retry-After", String.class));
        Headers.clearInbound(message);
        // Restore the chunk, so a retry or a dead letter sees the records and not the target's answer.
        message.setBody(chunk);
        if (status == 401 && auth.refused(flow)) {
            throw new TransientTargetException("Target answered HTTP 401 to the OAuth2 token; retried with a new one");
        }
        if (status == 408 || status == 429 || status >= 500) {
            if (retryAfter != null) {
                long capped = Math.min(retryAfter.toMillis(), config.retry().maxDelayMs());
                message.setHeader(Exchange.REDELIVERY_DELAY, capped);
            }
            throw new TransientTargetException("Target answered HTTP " + status);
        }
        throw new PermanentTargetException("Target refused the records with HTTP " + status);
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
