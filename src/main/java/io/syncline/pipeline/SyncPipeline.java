package io.syncline.pipeline;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;

import org.apache.camel.Exchange;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.syncline.assessment.EvidenceStore;
import io.syncline.config.SyncConfig;
import io.syncline.freshness.FlowActivity;
import io.syncline.record.BatchRun;
import io.syncline.record.DeadLetter;
import io.syncline.record.Envelope;
import io.syncline.record.IntakeKind;
import io.syncline.record.SourceRecord;
import io.syncline.validation.FieldError;
import io.syncline.validation.FlowSchema;
import io.syncline.validation.FlowSchemas;

/**
 * The steps every record takes whatever its intake: parse, validate against the flow's schema, map to the
 * {@link Envelope}, and after the target took it, count it. Called from {@code routes/shared/pipeline.camel.yaml}.
 */
@ApplicationScoped
@Named("syncPipeline")
public class SyncPipeline {

    private static final TypeReference<Map<String, String>> CSV_CELLS = new TypeReference<>() {
    };

    private final SyncConfig config;
    private final FlowSchemas schemas;
    private final ObjectMapper mapper;
    private final Outcomes outcomes;
    private final FlowActivity activity;
    private final EvidenceStore evidence;

    SyncPipeline(SyncConfig config, FlowSchemas schemas, ObjectMapper mapper, Outcomes outcomes, FlowActivity activity,
            EvidenceStore evidence) {
        this.evidence = evidence;
        this.config = config;
        this.schemas = schemas;
        this.mapper = mapper;
        this.outcomes = outcomes;
        this.activity = activity;
    }

    /**
     * A chunk starts clean: a pull's pages share one exchange, and what one page's failure left (its records in
     * flight, its attempts, its first failure) must not be taken for the next page's.
     */
    public void beginChunk(Exchange exchange) {
        for (String property : SyncProperties.TARGET_CALL) {
            exchange.removeProperty(property);
        }
        for (String property : List.of(SyncProperties.ATTEMPTS, SyncProperties.FIRST_FAILURE_AT,
                SyncProperties.LAST_FAILURE_AT, SyncProperties.TARGET_RESPONSE, SyncProperties.DEAD_LETTERS,
                SyncProperties.DEAD_LETTER_FAILURE, SyncProperties.ERROR_CATEGORY, SyncProperties.PREVIOUS_VERSIONS,
                SyncProperties.TARGET_TOOK)) {
            exchange.removeProperty(property);
        }
    }

    /** After a chunk: if its dead letters could not be written, nothing about it may be acknowledged. */
    public void requireDeadLettersWritten(Exchange exchange) {
        Exception failure = exchange.getProperty(SyncProperties.DEAD_LETTER_FAILURE, Exception.class);
        if (failure != null) {
            exchange.removeProperty(SyncProperties.DEAD_LETTER_FAILURE);
            throw new IllegalStateException("Dead letters could not be written; the chunk is not acknowledged: "
                    + failure.getMessage(), failure);
        }
    }

    /**
     * Body in: the chunk's {@link SourceRecord}s. Body out: the valid ones as {@link Envelope}s. The invalid
     * ones become dead letters (property {@link SyncProperties#DEAD_LETTERS}) with every field error. A chunk a file
     * intake checked ahead ({@link CheckedChunk}, against the flow's schema as it still is) is not checked twice.
     */
    public void validateAndMap(Exchange exchange) {
        @SuppressWarnings("unchecked")
        List<SourceRecord> records = exchange.getMessage().getBody(List.class);
        String flow = exchange.getProperty(SyncProperties.FLOW, String.class);
        FlowSchema schema = schemas.forFlow(flow);
        exchange.setProperty(SyncProperties.TARGET_KIND, config.flow(flow).target().kind().name());

        Checked checked = records instanceof CheckedChunk ahead && ahead.checkedAgainst() == schema
                ? ahead.checked()
                : check(records, schema, exchange.getFromRouteId(), exchange.getProperty(SyncProperties.REPLAY_COUNT, 0, Integer.class));
        // a webhook counted its records as received at the door
        outcomes.count(flow, Outcomes.RECEIVED, records.stream().filter(r -> r.intake() != IntakeKind.WEBHOOK).count());
        outcomes.count(flow, Outcomes.REJECTED, checked.invalid().size());
        // a JMS record is accepted once consumed and valid, as a webhook's is once enqueued
        outcomes.count(flow, Outcomes.ACCEPTED, checked.valid().stream().filter(e -> e.source().intake() == IntakeKind.JMS).count());
        BatchRun run = exchange.getProperty(SyncProperties.BATCH_RUN, BatchRun.class);
        if (run != null) {
            run.validated(checked.valid().size(), checked.invalid().size());
        }
        exchange.setProperty(SyncProperties.DEAD_LETTERS, checked.invalid());
        exchange.getMessage().setBody(checked.valid());
    }

    /** A chunk's records checked: the valid ones as envelopes, the invalid ones as dead letters. */
    public record Checked(List<Envelope> valid, List<DeadLetter> invalid) {
    }

    /**
     * Parses, validates and maps the records against the flow's schema, and for the outbox and http targets writes
     * each valid one's JSON line; touches nothing else: a file intake runs it for its next chunk while the one before
     * is being delivered.
     */
    public CheckedChunk checkAhead(String flow, List<SourceRecord> records, String route) {
        FlowSchema schema = schemas.forFlow(flow);
        Checked checked = check(records, schema, route, 0);
        if (config.flow(flow).target().kind() != SyncConfig.TargetKind.salesforce) {
            checked.valid().replaceAll(envelope -> envelope.withJsonLine(toJsonLine(envelope)));
        }
        return new CheckedChunk(records, schema, checked);
    }

    private Checked check(List<SourceRecord> records, FlowSchema schema, String route, int replayCount) {
        Instant latestSourceTime = Instant.now().plus(config.limits().maxClockSkew());
        List<Envelope> valid = new ArrayList<>(records.size());
        List<DeadLetter> invalid = new ArrayList<>();
        // a file's rows share one receipt time: written out once, not once a row
        Instant received = null;
        String receivedAt = null;
        for (SourceRecord source : records) {
            JsonNode record = null;
            Map<String, String> cells = null;
            FlowSchema.Verdict verdict;
            if (source.defect() != null) {
                verdict = FlowSchema.Verdict.refused(new FieldError("", source.defect()));
            } else {
                try {
                    if (SourceRecord.CSV_ROW.equals(source.format())) {
                        // a replayed row comes back as JSON text; a row from a file has its cells
                        cells = source.cells() != null ? source.cells() : mapper.readValue(source.payload(), CSV_CELLS);
                        record = schema.fromColumns(cells);
                    } else {
                        record = mapper.readTree(source.payload());
                    }
                    verdict = record.isObject()
                            ? schema.check(record, latestSourceTime)
                            : FlowSchema.Verdict.refused(new FieldError("", "expected a JSON object, found "
                                    + record.getNodeType().name().toLowerCase()));
                } catch (JsonProcessingException e) {
                    verdict = FlowSchema.Verdict.refused(new FieldError("", "malformed JSON: " + e.getOriginalMessage()));
                }
            }
            if (verdict.errors().isEmpty()) {
                if (cells != null) {
                    record = schema.numbersAsWritten((ObjectNode) record, cells);
                }
                if (source.receivedAt() != received) {
                    received = source.receivedAt();
                    receivedAt = received.toString();
                }
                valid.add(envelope(source, record, schema, verdict.sourceInstant(), receivedAt));
            } else {
                String key = record != null && record.isObject() ? text(record.get(schema.keyField())) : null;
                invalid.add(DeadLetter.invalid(source, key, route, verdict.errors(), replayCount));
            }
        }
        return new Checked(valid, invalid);
    }

    /**
     * Whether anything is left to publish. A method, not {@code ${body.size()} > 0}: the simple language resolves that
     * call by reflection on every chunk, which cost more than the rest of a one-record chunk's steps.
     */
    public boolean hasRecords(Exchange exchange) {
        List<?> records = exchange.getMessage().getBody(List.class);
        return records != null && !records.isEmpty();
    }

    /**
     * After a chunk that failed at some step went to the dead letters: the route goes on after that step, with nothing
     * left to publish. Without this, a failure before the publish (the store refusing the version read) would have the
     * chunk dead-lettered and published both, without its keys held. Body out: the records the target took before it
     * failed (an http target sending one record per request), to be remembered and counted as delivered; else none.
     */
    public void deadLettered(Exchange exchange) {
        exchange.getMessage().setBody(SyncProperties.takeDelivered(exchange));
    }

    /** Right after the target took the chunk in the body (see {@link SyncProperties#TARGET_TOOK}). */
    public void targetTook(Exchange exchange) {
        exchange.setProperty(SyncProperties.TARGET_TOOK, true);
    }

    /**
     * The failure handler's first step: a chunk the target took, whose version write then failed, is neither a dead
     * letter nor done. The exchange fails (the JMS transaction rolls back and the chunk comes again, under a new key
     * hold; a file stops at its checkpoint), and the target sees it twice, with the same idempotency key.
     */
    public void failIfTargetTook(Exchange exchange) {
        if (exchange.getProperty(SyncProperties.TARGET_TOOK) == null) {
            return;
        }
        Throwable cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        throw new IllegalStateException("Flow " + exchange.getProperty(SyncProperties.FLOW) + ": the target took the chunk"
                + " but what follows failed (" + (cause == null ? "no exception" : cause.getMessage())
                + "); the chunk is not acknowledged and comes again", cause);
    }

    /** After the target acknowledged the chunk in the body. */
    public void published(Exchange exchange) {
        @SuppressWarnings("unchecked")
        List<Envelope> delivered = exchange.getMessage().getBody(List.class);
        String flow = exchange.getProperty(SyncProperties.FLOW, String.class);
        outcomes.count(flow, Outcomes.PUBLISHED, delivered.size());
        if (!delivered.isEmpty()) {
            activity.delivered(flow, delivered);
            @SuppressWarnings("unchecked")
            Map<String, Long> previousVersions = exchange.getProperty(SyncProperties.PREVIOUS_VERSIONS, Map.class);
            evidence.delivered(flow, delivered, previousVersions);
        }
        BatchRun run = exchange.getProperty(SyncProperties.BATCH_RUN, BatchRun.class);
        if (run != null) {
            run.published(delivered.size());
        }
        exchange.removeProperty(SyncProperties.TARGET_TOOK);
    }

    /**
     * The envelope as one JSON document in UTF-8 (an outbox line, an http request or an element of its array). Bytes, not
     * text: the outbox and the http target write them as they are, where a String was copied into a builder, copied out
     * and encoded again for every record (the outbox's chunk was the largest allocation of a file's delivery).
     */
    public byte[] toJsonLine(Envelope envelope) {
        if (envelope.jsonLine() != null) {
            return envelope.jsonLine();
        }
        try {
            return mapper.writeValueAsBytes(envelope);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("An envelope of flow " + envelope.flow() + " could not be written as JSON", e);
        }
    }

    /**
     * Envelopes' JSON in one array of exactly its size, each envelope's bytes copied once: {@code open}, the envelopes
     * with {@code separator} between them, {@code close} (ASCII). The outbox's lines and the http target's array body.
     */
    public byte[] joined(List<Envelope> envelopes, String open, char separator, String close) {
        byte[][] each = new byte[envelopes.size()][];
        int size = open.length() + Math.max(each.length - 1, 0) + close.length();
        for (int i = 0; i < each.length; i++) {
            each[i] = toJsonLine(envelopes.get(i));
            size += each[i].length;
        }
        byte[] joined = new byte[size];
        int at = ascii(open, joined, 0);
        for (int i = 0; i < each.length; i++) {
            if (i > 0) {
                joined[at++] = (byte) separator;
            }
            System.arraycopy(each[i], 0, joined, at, each[i].length);
            at += each[i].length;
        }
        ascii(close, joined, at);
        return joined;
    }

    private static int ascii(String text, byte[] into, int at) {
        for (int i = 0; i < text.length(); i++) {
            into[at++] = (byte) text.charAt(i);
        }
        return at;
    }

    /** The source timestamp parsed once: by the validation, for the version guard, the version store and the lag metric. */
    private static Envelope envelope(SourceRecord source, JsonNode record, FlowSchema schema, Instant sourceInstant,
            String receivedAt) {
        return new Envelope(source.flow(), text(record.get(schema.keyField())), source.eventId(),
                text(record.get(schema.sourceTimestampField())), receivedAt, record, source, sourceInstant, null);
    }

    private static String text(JsonNode node) {
        return node == null || node.isNull() ? null : node.asText();
    }
}
