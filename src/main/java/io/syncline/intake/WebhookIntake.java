package io.syncline.intake;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.platform.http.vertx.HttpMessage;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.syncline.config.SyncConfig;
import io.syncline.pipeline.Outcomes;
import io.syncline.pipeline.SyncProperties;
import io.syncline.record.IntakeKind;
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
    /** The idempotency and replay keys this request reserved: accepted with its event, released if it fails. */
    static final String CLAIMED_KEYS = "syncClaimedKeys";
    static final String CLAIMED_FOR = "syncClaimedFor";
    /** The JMS message group (Artemis keeps a group on one consumer, in order). */
    public static final String GROUP = "JMSXGroupID";

    private static final Logger LOG = Logger.getLogger(WebhookIntake.class);

    private final SyncConfig config;
    private final FlowSchemas schemas;
    private final ObjectMapper mapper;
    private final Outcomes outcomes;
    private final IdempotencyKeys idempotencyKeys;
    private final UnknownWebhook webhooks;

    WebhookIntake(SyncConfig config, FlowSchemas schemas, ObjectMapper mapper, Outcomes outcomes,
            IdempotencyKeys idempotencyKeys, UnknownWebhook webhooks) {
        this.config = config;
        this.webhooks = webhooks;
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
            bytes = WebhookBody.decode(message.getBody(byte[].class), requestHeader(message, "Content-Encoding"),
                    config.webhook().maxBodySize().asLongValue(), flow);
        } catch (WebhookBody.Refused refused) {
            reject(exchange, flow, refused.problem);
            return;
        }
        Optional<String> secrets = config.flow(flow).webhook().secret().filter(s -> !s.isBlank());
        String replayKey = null;
        String bodyHash = null;
        if (secrets.isPresent()) {
            WebhookSignature.Verdict verdict = WebhookSignature.verify(requestHeader(message, WebhookSignature.HEADER),
                    bytes == null ? new byte[0] : bytes, Arrays.stream(secrets.get().split(",")).map(String::trim).toList(),
                    config.webhook().signatureTolerance(), Instant.now());
            if (verdict.refused().isPresent()) {
                reject(exchange, flow, Problem.of("invalid-signature", "The request is not signed by the source", 401,
                        verdict.refused().get(), flow));
                return;
            }
            // The same signed timestamp and body again is a copy of a request already taken, whoever sends it.
            bodyHash = sha256(bytes);
            replayKey = "signed:" + verdict.timestamp() + ":" + bodyHash;
        } else if (!config.acceptsUnsignedWebhooks(flow)) {
            reject(exchange, flow, Problem.of("invalid-signature", "The request is not signed by the source", 401,
                    "this flow takes signed webhooks only: set sync.flows." + flow + ".webhook.secret and sign with "
                            + WebhookSignature.HEADER + ", or open it with sync.flows." + flow + ".webhook.open=true", flow));
            return;
        }
        String contentType = requestHeader(message, "Content-Type");
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
        List<FieldError> errors = schema.validate(record, Instant.now().plus(config.limits().maxClockSkew()));
        if (!errors.isEmpty()) {
            reject(exchange, flow, Problem.invalid(flow, errors));
            return;
        }

        String eventId = UUID.randomUUID().toString();
        String idempotencyKey = requestHeader(message, IDEMPOTENCY_KEY);
        if (idempotencyKey != null) {
            idempotencyKey = idempotencyKey.trim();
            if (idempotencyKey.isEmpty() || idempotencyKey.length() > 255) {
                reject(exchange, flow, Problem.of("invalid-idempotency-key", "The Idempotency-Key is not usable", 400,
                        "An Idempotency-Key has 1 to 255 characters", flow));
                return;
            }
        }
        // The signature's replay key first: a replayed request is a duplicate and claims no Idempotency-Key of its own.
        if (bodyHash == null && idempotencyKey != null) {
            bodyHash = sha256(bytes);
        }
        List<String> claimed = new ArrayList<>(2);
        for (String key : Arrays.asList(replayKey, idempotencyKey)) {
            if (key == null) {
                continue;
            }
            Optional<StateStore.KeyHolder> earlier = idempotencyKeys.claim(flow, key, eventId, bodyHash);
            if (earlier.isEmpty()) {
                claimed.add(key);
                continue;
            }
            for (String mine : claimed) {
                idempotencyKeys.release(flow, mine, eventId);
            }
            StateStore.KeyHolder holder = earlier.get();
            if (holder.bodyHash() != null && !holder.bodyHash().equals(bodyHash)) {
                reject(exchange, flow, Problem.of("idempotency-key-reused", "The Idempotency-Key was used for another body",
                        422, "Idempotency-Key '" + key + "' was first used with a different body; nothing was accepted."
                                + " A new request needs a new key", flow));
            } else if (holder.accepted()) {
                // a repeat: the same answer as the first time, and nothing enqueued
                message.setHeader(EVENT_ID, holder.eventId());
                answerAccepted(exchange);
            } else {
                // the first request is still being enqueued (or failed): never a 202 for it yet
                reject(exchange, flow, Problem.of("idempotency-key-in-use", "A request with this Idempotency-Key is in progress",
                        409, "Retry shortly: the first request with this key has not been answered yet", flow));
                exchange.getMessage().setHeader("Retry-After", "1");
            }
            return;
        }
        exchange.setProperty(CLAIMED_KEYS, claimed);
        exchange.setProperty(CLAIMED_FOR, eventId);

        // Only Syncline's own headers reach the broker (as JMS properties); the body goes as it came.
        message.removeHeaders("*");
        message.setHeader(EVENT_ID, eventId);
        message.setHeader(RECEIVED_AT, Instant.now().toString());
        message.setHeader(INTAKE, IntakeKind.WEBHOOK.wire());
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
        for (String key : claimedKeys(exchange)) {
            idempotencyKeys.accepted(flow, key, exchange.getMessage().getHeader(EVENT_ID, String.class));
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
        for (String key : claimedKeys(exchange)) {
            idempotencyKeys.release(flow, key, exchange.getMessage().getHeader(EVENT_ID, String.class));
        }
        Exception cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        LOG.errorf("Flow %s: the broker did not take an event: %s",
                flow, cause == null ? "unknown" : cause.getClass().getSimpleName() + ": " + cause.getMessage());
        reject(exchange, flow, Problem.of("broker-unavailable", "The event could not be stored", 503,
                "The broker is unavailable; nothing was accepted. Retry later.", flow));
        exchange.getMessage().setHeader("Retry-After", "5");
    }

    /**
     * Anything the steps above did not expect: one log line (no stack trace, no request data) and a 500 problem with
     * Syncline's own headers only, never the request's (a 503 while a reload replaces the flow's routes under the
     * request). Keys this request claimed are let go.
     */
    public void failed(Exchange exchange) throws Exception {
        String flow = exchange.getProperty(SyncProperties.FLOW, String.class);
        Exception cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        LOG.errorf("Flow %s: a webhook request failed: %s", flow, cause == null ? "unknown" : cause.getClass().getName());
        String eventId = exchange.getProperty(CLAIMED_FOR, String.class);
        for (String key : claimedKeys(exchange)) {
            try {
                idempotencyKeys.release(flow, key, eventId);
            } catch (Exception stillFailing) {
                // the key expires as pending and is taken over then
            }
        }
        exchange.setProperty(CLAIMED_KEYS, List.of());
        if (webhooks.isReloading(flow)) {
            // the old route stopped under this request while a reload replaced it: nothing was accepted, send it again
            reject(exchange, flow, Problem.reloading(flow));
            exchange.getMessage().setHeader("Retry-After", Problem.RELOADING_RETRY_AFTER);
            return;
        }
        reject(exchange, flow, Problem.of("internal-error", "The request could not be processed", 500,
                "Nothing was accepted. Retry later; if it persists, the operators have the log line", flow));
    }

    /**
     * A request header as the client sent it. Never a query parameter or a form field: Camel's platform-http maps
     * those to message headers too, and a cross-site form must not set the Content-Type, the signature or the key.
     */
    static String requestHeader(Message message, String name) {
        return message instanceof HttpMessage http ? http.getRequest().getHeader(name) : null;
    }

    @SuppressWarnings("unchecked")
    private static List<String> claimedKeys(Exchange exchange) {
        List<String> keys = exchange.getProperty(CLAIMED_KEYS, List.class);
        return keys == null ? List.of() : keys;
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes == null ? new byte[0] : bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
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
