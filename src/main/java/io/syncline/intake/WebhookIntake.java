package io.syncline.intake;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;

import org.apache.camel.Exchange;
import org.apache.camel.Message;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.syncline.config.SyncConfig;
import io.syncline.pipeline.Outcomes;
import io.syncline.pipeline.SyncProperties;
import io.syncline.security.IdempotencyKeys;
import io.syncline.security.WebhookSignature;
import io.syncline.state.StateStore;
import io.syncline.validation.FieldError;
import io.syncline.validation.FlowSchema;
import io.syncline.validation.FlowSchemas;

/**
 * {@code POST /webhooks/<flow-id>}: refuses what cannot become a record before anything is enqueued, and answers
 * {@code 202} only after the broker has the event. See the webhook-intake template.
 */
@ApplicationScoped
@Named("webhookIntake")
public class WebhookIntake {

    /** Set when the request may be enqueued; otherwise the problem answer is already in the message. */
    public static final String ACCEPTED = "syncAccepted";
    public static final String EVENT_ID = "syncEventId";
    public static final String RECEIVED_AT = "syncReceivedAt";
    public static final String INTAKE = "syncIntake";
    public static final String IDEMPOTENCY_KEY = "Idempotency-Key";
    /** The JMS message group (Artemis keeps a group on one consumer, in order). */
    public static final String GROUP = "JMSXGroupID";

    private final SyncConfig config;
    private final FlowSchemas schemas;
    private final ObjectMapper mapper;
    private final Outcomes outcomes;
    private final IdempotencyKeys idempotencyKeys;

    WebhookIntake(SyncConfig config, FlowSchemas schemas, ObjectMapper mapper, Outcomes outcomes,
            IdempotencyKeys idempotencyKeys) {
        this.config = config;
        this.schemas = schemas;
        this.mapper = mapper;
        this.outcomes = outcomes;
        this.idempotencyKeys = idempotencyKeys;
    }

    public void check(Exchange exchange) throws Exception {
        Message message = exchange.getMessage();
        String flow = exchange.getProperty(SyncProperties.FLOW, String.class);
        exchange.setProperty(ACCEPTED, false);
        outcomes.count(flow, Outcomes.RECEIVED, 1);

        byte[] bytes;
        try {
            bytes = WebhookBody.decode(message.getBody(byte[].class), message.getHeader("Content-Encoding", String.class),
                    config.webhook().maxBodySize().asLongValue(), flow);
        } catch (WebhookBody.Refused refused) {
            reject(exchange, flow, refused.problem);
            return;
        }
        Optional<String> secrets = config.flow(flow).webhook().secret().filter(s -> !s.isBlank());
        if (secrets.isPresent()) {
            Optional<String> refused = WebhookSignature.verify(message.getHeader(WebhookSignature.HEADER, String.class),
                    bytes, Arrays.stream(secrets.get().split(",")).map(String::trim).toList(),
                    config.webhook().signatureTolerance(), Instant.now());
            if (refused.isPresent()) {
                reject(exchange, flow, Problem.of("invalid-signature", "The request is not signed by the source", 401,
                        refused.get(), flow));
                return;
            }
        }
        String contentType = message.getHeader(Exchange.CONTENT_TYPE, String.class);
        if (!isJson(contentType)) {
            reject(exchange, flow, Problem.of("unsupported-media-type", "The body must be JSON", 415,
                    "Content-Type was " + (contentType == null ? "missing" : "'" + contentType + "'")
                            + "; send application/json", flow));
            return;
        }
        String body;
        try {
            body = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            reject(exchange, flow, Problem.of("malformed-json", "The body is not valid UTF-8", 400,
                    "JSON must be UTF-8 encoded", flow));
            return;
        }
        if (body.startsWith("\uFEFF")) {
            body = body.substring(1); // a byte-order mark is noise, not content
        }
        JsonNode record;
        try {
            record = mapper.readTree(body);
        } catch (StreamConstraintsException e) {
            reject(exchange, flow, Problem.of("limit-exceeded", "The body is over a limit", 400,
                    e.getOriginalMessage() + " (see sync.limits.*)", flow));
            return;
        } catch (JsonProcessingException e) {
            reject(exchange, flow, Problem.of("malformed-json", "The body is not well-formed JSON", 400,
                    e.getOriginalMessage() + " at line " + e.getLocation().getLineNr() + ", column "
                            + e.getLocation().getColumnNr(), flow));
            return;
        }
        if (record == null || record.isMissingNode() || !record.isObject()) {
            reject(exchange, flow, Problem.of("malformed-json", "The body must be a JSON object", 400,
                    "Expected one JSON object per request", flow));
            return;
        }
        FlowSchema schema = schemas.forFlow(flow);
        List<FieldError> errors = schema.validate(record);
        if (!errors.isEmpty()) {
            reject(exchange, flow, Problem.invalid(flow, errors));
            return;
        }

        String eventId = UUID.randomUUID().toString();
        String idempotencyKey = message.getHeader(IDEMPOTENCY_KEY, String.class);
        if (idempotencyKey != null) {
            idempotencyKey = idempotencyKey.trim();
            if (idempotencyKey.isEmpty() || idempotencyKey.length() > 255) {
                reject(exchange, flow, Problem.of("invalid-idempotency-key", "The Idempotency-Key is not usable", 400,
                        "An Idempotency-Key has 1 to 255 characters", flow));
                return;
            }
            Optional<StateStore.KeyHolder> earlier = idempotencyKeys.claim(flow, idempotencyKey, eventId);
            if (earlier.isPresent() && earlier.get().accepted()) {
                // a repeat: the same answer as the first time, and nothing enqueued
                message.setHeader(EVENT_ID, earlier.get().eventId());
                answerAccepted(exchange);
                return;
            }
            if (earlier.isPresent()) {
                // the first request with this key is still being enqueued (or failed): never a 202 for it yet
                reject(exchange, flow, Problem.of("idempotency-key-in-use", "A request with this Idempotency-Key is in progress",
                        409, "Retry shortly: the first request with this key has not been answered yet", flow));
                exchange.getMessage().setHeader("Retry-After", "1");
                return;
            }
            exchange.setProperty(IDEMPOTENCY_KEY, idempotencyKey);
        }

        // Only Syncline's own headers reach the broker (as JMS properties); the body goes as it came.
        message.removeHeaders("*");
        message.setHeader(EVENT_ID, eventId);
        message.setHeader(RECEIVED_AT, Instant.now().toString());
        message.setHeader(INTAKE, "webhook");
        // One message group per record key: the broker hands every version of a key to the same consumer, in order,
        // so with sync.flows.<id>.consumers > 1 two versions of one key are never in flight at once.
        JsonNode key = record.get(schema.keyField());
        if (key != null && key.isValueNode()) {
            message.setHeader(GROUP, key.asText());
        }
        message.setBody(body);
        exchange.setProperty(ACCEPTED, true);
    }

    /** The broker has the event. */
    public void accepted(Exchange exchange) throws Exception {
        String flow = exchange.getProperty(SyncProperties.FLOW, String.class);
        String idempotencyKey = exchange.getProperty(IDEMPOTENCY_KEY, String.class);
        if (idempotencyKey != null) {
            idempotencyKeys.accepted(flow, idempotencyKey, exchange.getMessage().getHeader(EVENT_ID, String.class));
        }
        outcomes.count(flow, Outcomes.ACCEPTED, 1);
        answerAccepted(exchange);
    }

    private void answerAccepted(Exchange exchange) throws JsonProcessingException {
        Message message = exchange.getMessage();
        String flow = exchange.getProperty(SyncProperties.FLOW, String.class);
        String eventId = message.getHeader(EVENT_ID, String.class);
        message.removeHeaders("*");
        message.setHeader(Exchange.HTTP_RESPONSE_CODE, 202);
        message.setHeader(Exchange.CONTENT_TYPE, "application/json");
        Map<String, String> answer = new LinkedHashMap<>();
        answer.put("flow", flow);
        answer.put("eventId", eventId);
        answer.put("status", "accepted");
        message.setBody(mapper.writeValueAsString(answer));
    }

    /** The broker did not take the event: nothing was accepted, the caller should retry. */
    public void unavailable(Exchange exchange) throws Exception {
        String flow = exchange.getProperty(SyncProperties.FLOW, String.class);
        String idempotencyKey = exchange.getProperty(IDEMPOTENCY_KEY, String.class);
        if (idempotencyKey != null) {
            idempotencyKeys.release(flow, idempotencyKey, exchange.getMessage().getHeader(EVENT_ID, String.class));
        }
        Exception cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        org.jboss.logging.Logger.getLogger(WebhookIntake.class).errorf("Flow %s: the broker did not take an event: %s",
                flow, cause == null ? "unknown" : cause.getClass().getSimpleName() + ": " + cause.getMessage());
        reject(exchange, flow, Problem.of("broker-unavailable", "The event could not be stored", 503,
                "The broker is unavailable; nothing was accepted. Retry later.", flow));
        exchange.getMessage().setHeader("Retry-After", "5");
    }

    private void reject(Exchange exchange, String flow, Problem problem) throws JsonProcessingException {
        if (problem.status() != 503) {
            outcomes.refused(flow);
        }
        Message message = exchange.getMessage();
        message.removeHeaders("*");
        message.setHeader(Exchange.HTTP_RESPONSE_CODE, problem.status());
        message.setHeader(Exchange.CONTENT_TYPE, Problem.MEDIA_TYPE);
        message.setBody(mapper.writeValueAsString(problem));
    }

    private static boolean isJson(String contentType) {
        if (contentType == null) {
            return false;
        }
        String mediaType = contentType.split(";", 2)[0].trim().toLowerCase();
        return mediaType.equals("application/json") || (mediaType.startsWith("application/") && mediaType.endsWith("+json"));
    }
}
