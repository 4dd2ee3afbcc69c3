package io.syncline.targets.salesforce;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;

import org.apache.camel.Exchange;
import org.apache.camel.component.salesforce.api.dto.Limits;
import org.apache.camel.component.salesforce.api.dto.RestError;
import org.apache.camel.component.salesforce.api.dto.UpsertSObjectResult;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.syncline.config.SyncConfig;
import io.syncline.deadletter.DeadLetters;
import io.syncline.pipeline.SyncProperties;
import io.syncline.record.BatchRun;
import io.syncline.record.Envelope;
import io.syncline.record.IntakeKind;
import io.syncline.targets.TransientTargetException;

/**
 * Publishes a chunk to Salesforce with camel-salesforce: a real-time record by {@code upsertSObject} (PATCH
 * /sobjects/{object}/{externalIdField}/{value}); a file's or a pull's chunk by {@code compositeUpsertSObjectCollections}
 * in requests of up to 200, every item's result read; a file above {@code bulk-threshold} rows by a Bulk API 2.0
 * ingest job ({@link SalesforceBulk}). Items Salesforce rejects become dead letters with its code; the rest count as
 * published.
 */
@ApplicationScoped
@Named("salesforceTarget")
public class SalesforceTarget {

    static final int COLLECTION_MAX = 200;

    private final SyncConfig config;
    private final SalesforceCalls calls;
    private final SalesforceBudget budget;
    private final SalesforceBulk bulk;
    private final DeadLetters deadLetters;
    private final ObjectMapper mapper;

    SalesforceTarget(SyncConfig config, SalesforceCalls calls, SalesforceBudget budget, SalesforceBulk bulk,
            DeadLetters deadLetters, ObjectMapper mapper) {
        this.config = config;
        this.calls = calls;
        this.budget = budget;
        this.bulk = bulk;
        this.deadLetters = deadLetters;
        this.mapper = mapper;
    }

    public void publish(Exchange exchange) throws InterruptedException, JsonProcessingException {
        @SuppressWarnings("unchecked")
        List<Envelope> chunk = exchange.getMessage().getBody(List.class);
        String flow = exchange.getProperty(SyncProperties.FLOW, String.class);
        SyncConfig.SalesforceObject target = config.flow(flow).target().salesforce();

        try {
            budget.awaitAllowance(flow, () -> refreshLimits(exchange));
        } catch (InterruptedException stopping) {
            // the application stops while the flow holds: the chunk was not sent, which a retry or a replay can do
            Thread.currentThread().interrupt();
            throw new TransientTargetException("Flow " + flow + " was holding for the Salesforce API reserve when it stopped");
        }
        if (!budget.pauseLeft().isZero()) {
            exchange.getMessage().setHeader(Exchange.REDELIVERY_DELAY,
                    Math.min(budget.pauseLeft().toMillis(), config.retry().maxDelayMs()));
            throw new TransientTargetException("Publishing to Salesforce pauses after REQUEST_LIMIT_EXCEEDED");
        }

        // A file's chunks are bulk-threshold + 1 rows (SyncConfig.fileChunkSize): once its run has read more rows than
        // the threshold, every chunk of that file, the last one too, goes through Bulk API 2.0.
        BatchRun run = exchange.getProperty(SyncProperties.BATCH_RUN, BatchRun.class);
        boolean bulkFile = run != null && run.intake() == IntakeKind.FILE && run.rowsRead() > target.bulkThreshold();
        List<Envelope> delivered;
        if (chunk.size() == 1 && chunk.get(0).isRealTime()) {
            upsert(exchange, chunk.get(0), target);
            delivered = chunk;
        } else if (bulkFile) {
            delivered = bulk.publish(exchange, target);
        } else {
            delivered = collections(exchange, target);
        }
        exchange.getMessage().setBody(delivered);
    }

    /** 201 (created) and 200/204 (updated) are success; any failure is thrown by {@link SalesforceCalls}. */
    private void upsert(Exchange exchange, Envelope envelope, SyncConfig.SalesforceObject target) throws JsonProcessingException {
        // rawPayload: the mapped fields go out as they are, without a generated DTO; the external id is in the URL.
        String body = mapper.writeValueAsString(SalesforceRecords.fields(envelope, target, false));
        calls.call(exchange, "upsertSObject?rawPayload=true", Map.of(
                "sObjectName", target.sobject().orElseThrow(),
                "sObjectIdName", target.externalIdField().orElseThrow(),
                "sObjectIdValue", envelope.key()), body);
    }

    /**
     * Requests of up to 200 records, a parent's records together and in order. Items Salesforce could not lock are
     * sent again after a random pause (up to {@code lock-retries} times); items with any other error are dead letters.
     * What an earlier attempt of the chunk had taken stays taken ({@link SyncProperties#CHUNK_IN_FLIGHT},
     * {@link SyncProperties#DELIVERED_SO_FAR}, as the http target keeps them): a retry after a transient failure sends
     * only the requests not yet answered, and when the retries run out the failure handler counts what was taken and
     * dead-letters only the rest.
     */
    private List<Envelope> collections(Exchange exchange, SyncConfig.SalesforceObject target)
            throws InterruptedException {
        List<Envelope> left = SyncProperties.inFlight(exchange);
        List<Envelope> delivered = SyncProperties.deliveredSoFar(exchange);
        for (List<Envelope> request : SalesforceRecords.requests(new ArrayList<>(left), target, COLLECTION_MAX)) {
            List<Envelope> pending = request;
            for (int attempt = 0; !pending.isEmpty(); attempt++) {
                if (attempt > 0) {
                    Thread.sleep(ThreadLocalRandom.current().nextLong(config.salesforce().lockRetryJitter().toMillis() + 1));
                }
                List<Envelope> locked = new ArrayList<>();
                List<Envelope> rejected = new ArrayList<>();
                List<String> answers = new ArrayList<>();
                List<?> results = upsertCollection(exchange, pending, target);
                for (int i = 0; i < pending.size(); i++) {
                    UpsertSObjectResult result = i < results.size() ? (UpsertSObjectResult) results.get(i) : null;
                    List<RestError> errors = result == null || result.getErrors() == null ? List.of() : result.getErrors();
                    if (result != null && Boolean.TRUE.equals(result.getSuccess())) {
                        delivered.add(pending.get(i));
                    } else if (SalesforceCalls.hasCode(errors, SalesforceCalls.UNABLE_TO_LOCK_ROW)
                            && attempt < config.salesforce().lockRetries()) {
                        locked.add(pending.get(i));
                    } else {
                        rejected.add(pending.get(i));
                        answers.add(SalesforceCalls.excerpt("compositeUpsertSObjectCollections, item " + i + ": "
                                + (errors.isEmpty() ? "no result for the record"
                                        : errors.stream().map(SalesforceCalls::describe).reduce((a, b) -> a + "; " + b).get())));
                    }
                }
                // every answered item is decided, whatever the next call does: taken, or a dead letter with its answer
                if (!rejected.isEmpty()) {
                    deadLetters.rejectedItems(exchange, rejected, answers);
                }
                Set<Envelope> decided = Collections.newSetFromMap(new IdentityHashMap<>());
                decided.addAll(pending);
                decided.removeAll(locked);
                left.removeIf(decided::contains);
                pending = locked;
            }
        }
        return SyncProperties.takeDelivered(exchange);
    }

    private List<?> upsertCollection(Exchange exchange, List<Envelope> records, SyncConfig.SalesforceObject target) {
        String sObject = target.sobject().orElseThrow();
        List<SObjectRecord> body = new ArrayList<>(records.size());
        for (Envelope envelope : records) {
            body.add(new SObjectRecord(sObject, SalesforceRecords.fields(envelope, target, true)));
        }
        return calls.call(exchange, "compositeUpsertSObjectCollections", Map.of(
                "sObjectName", sObject,
                "sObjectIdName", target.externalIdField().orElseThrow(),
                "allOrNone", "false"), body).getBody(List.class);
    }

    /** GET /limits, for a held flow to see whether the org has calls again. */
    private Boolean refreshLimits(Exchange exchange) {
        try {
            Limits limits = calls.call(exchange, "limits", Map.of(), null)
                    .getBody(Limits.class);
            if (limits != null && limits.getDailyApiRequests() != null) {
                budget.observe(limits.getDailyApiRequests().getMax() - limits.getDailyApiRequests().getRemaining(),
                        limits.getDailyApiRequests().getMax());
            }
            return true;
        } catch (RuntimeException unavailable) {
            exchange.removeProperty(SyncProperties.TARGET_RESPONSE);
            return false;
        }
    }

}
