package io.syncline.targets.salesforce;

import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.camel.Exchange;
import org.apache.camel.component.salesforce.api.dto.bulkv2.ContentTypeEnum;
import org.apache.camel.component.salesforce.api.dto.bulkv2.Job;
import org.apache.camel.component.salesforce.api.dto.bulkv2.JobStateEnum;
import org.apache.camel.component.salesforce.api.dto.bulkv2.LineEndingEnum;
import org.apache.camel.component.salesforce.api.dto.bulkv2.OperationEnum;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;

import io.syncline.config.SyncConfig;
import io.syncline.deadletter.DeadLetters;
import io.syncline.pipeline.SyncProperties;
import io.syncline.record.Envelope;
import io.syncline.targets.PermanentTargetException;
import io.syncline.targets.TransientTargetException;

/**
 * A chunk as one Bulk API 2.0 upsert job, through camel-salesforce's bulk2 operations: create the job, upload the
 * CSV, close it, read its state until it ends, then read its failed and unprocessed records back (matched by the
 * external id column): failed ones become dead letters, unprocessed ones go again in a new job.
 */
@ApplicationScoped
public class SalesforceBulk {

    private static final Logger LOG = Logger.getLogger(SalesforceBulk.class);
    static final String ERROR_COLUMN = "sf__Error";

    private final SyncConfig config;
    private final SalesforceCalls calls;
    private final DeadLetters deadLetters;
    private final CsvMapper csv = new CsvMapper();

    SalesforceBulk(SyncConfig config, SalesforceCalls calls, DeadLetters deadLetters) {
        this.config = config;
        this.calls = calls;
        this.deadLetters = deadLetters;
    }

    /**
     * The chunk's records not yet delivered as one job, or the job they were uploaded to before a failure; what the
     * target took so far, once the job has ended. Failed rows are dead letters with Salesforce's error. A job that
     * failed or was aborted part-way kept what it processed (Salesforce does not roll it back): only the records its
     * successful results name count as delivered. Its unprocessed records go again in a new job, as Salesforce advises,
     * retried as a transient failure is (the unprocessed records of a job someone else aborted are dead letters: it was
     * stopped on purpose). A job refused outright (a column Salesforce does not know) dead-letters the chunk.
     */
    List<Envelope> publish(Exchange exchange, SyncConfig.SalesforceObject target) throws InterruptedException {
        List<Envelope> left = SyncProperties.inFlight(exchange);
        String flow = exchange.getProperty(SyncProperties.FLOW, String.class);
        String jobId = job(exchange, left, target);
        Job done = awaitEnd(exchange, jobId);
        String ended = "Bulk API 2.0 job " + jobId + " " + done.getState()
                + (done.getErrorMessage() == null ? "" : ": " + done.getErrorMessage());

        String externalId = target.externalIdField().orElseThrow();
        Map<String, List<Envelope>> byExternalId = new HashMap<>();
        for (Envelope envelope : left) {
            byExternalId.computeIfAbsent(envelope.key(), k -> new ArrayList<>()).add(envelope);
        }
        Map<Envelope, String> rejected = new LinkedHashMap<>();
        eachRow(exchange, "bulk2GetFailedResults", jobId, byExternalId, externalId, (row, records) -> records.forEach(e ->
                rejected.put(e, "Bulk API 2.0 job " + jobId + ": " + row.getOrDefault(ERROR_COLUMN, "failed"))));
        Set<Envelope> unprocessed = Collections.newSetFromMap(new IdentityHashMap<>());
        eachRow(exchange, "bulk2GetUnprocessedRecords", jobId, byExternalId, externalId, (row, records) ->
                records.stream().filter(e -> !rejected.containsKey(e)).forEach(unprocessed::add));
        // a complete job processed every record; one that failed or was aborted, those its successful results name
        Set<Envelope> succeeded = Collections.newSetFromMap(new IdentityHashMap<>());
        if (done.getState() == JobStateEnum.JOB_COMPLETE) {
            left.stream().filter(e -> !rejected.containsKey(e) && !unprocessed.contains(e)).forEach(succeeded::add);
        } else {
            eachRow(exchange, "bulk2GetSuccessfulResults", jobId, byExternalId, externalId, (row, records) ->
                    records.stream().filter(e -> !rejected.containsKey(e)).forEach(succeeded::add));
        }
        boolean abortedBySyncline = exchange.getProperty(SyncProperties.BULK_JOB_ABORTED) != null;
        forgetJob(exchange);
        if (done.getState() == JobStateEnum.FAILED && succeeded.isEmpty() && rejected.isEmpty() && refused(done)) {
            // the job itself was refused (a column Salesforce does not know, say): the same upload would fail again
            exchange.setProperty(SyncProperties.TARGET_RESPONSE, SalesforceCalls.excerpt(ended));
            throw new PermanentTargetException(ended + " without processing a record");
        }

        // every record is decided now: taken, a dead letter, or left for a new job
        List<Envelope> delivered = SyncProperties.deliveredSoFar(exchange);
        List<Envelope> notTaken = new ArrayList<>();
        for (Envelope envelope : left) {
            if (succeeded.contains(envelope)) {
                delivered.add(envelope);
            } else if (!rejected.containsKey(envelope)) {
                notTaken.add(envelope);
            }
        }
        if (done.getState() == JobStateEnum.ABORTED && !abortedBySyncline) {
            notTaken.forEach(e -> rejected.put(e, ended + "; the record was not processed"));
            notTaken.clear();
        }
        if (!rejected.isEmpty()) {
            deadLetters.rejectedItems(exchange, new ArrayList<>(rejected.keySet()),
                    rejected.values().stream().map(SalesforceCalls::excerpt).toList());
        }
        left.clear();
        left.addAll(notTaken);
        if (!left.isEmpty()) {
            exchange.setProperty(SyncProperties.TARGET_RESPONSE, SalesforceCalls.excerpt(ended + "; " + left.size()
                    + " record(s) not processed"));
            LOG.warnf("Flow %s: %s; %d record(s) taken, %d not processed go again in a new job", flow, ended,
                    delivered.size(), left.size());
            throw new TransientTargetException(ended + " with " + left.size() + " record(s) not processed");
        }
        return SyncProperties.takeDelivered(exchange);
    }

    /**
     * Each row of one of the job's results with the chunk's records of its external id. A row that names no record of
     * the chunk fails the attempt: which record it was is unknown, so none counts as delivered, and the records go
     * again in a new job (an upsert by external id is safe to repeat).
     */
    private void eachRow(Exchange exchange, String operation, String jobId, Map<String, List<Envelope>> byExternalId,
            String externalId, BiConsumer<Map<String, String>, List<Envelope>> action) {
        List<Map<String, String>> rows = results(exchange, operation, jobId);
        long unknown = rows.stream().filter(row -> !byExternalId.containsKey(row.get(externalId))).count();
        if (unknown > 0) {
            forgetJob(exchange);
            exchange.setProperty(SyncProperties.TARGET_RESPONSE, "Bulk API 2.0 job " + jobId + ": " + unknown + " row(s) of "
                    + operation + " without a known external id");
            throw new TransientTargetException("Bulk API 2.0 job " + jobId + " reported rows it cannot be matched to");
        }
        rows.forEach(row -> action.accept(row, byExternalId.get(row.get(externalId))));
    }

    /** The job's results are read (or cannot be used): the next attempt makes a new job, not aborted by anyone yet. */
    private static void forgetJob(Exchange exchange) {
        exchange.removeProperty(SyncProperties.BULK_JOB);
        exchange.removeProperty(SyncProperties.BULK_JOB_ABORTED);
    }

    /**
     * Whether a job's own error refuses the upload as it is (Bulk API 2.0's InvalidBatch, ClientInputError, InvalidJob:
     * a column or an object Salesforce does not know, a malformed CSV); any other failure, a batch Salesforce gave up
     * on after its own retries, say, may pass in a new job.
     */
    static boolean refused(Job job) {
        String error = job.getErrorMessage() == null ? "" : job.getErrorMessage().trim();
        return error.startsWith("InvalidBatch") || error.startsWith("ClientInputError") || error.startsWith("InvalidJob");
    }

    /** The job the records were uploaded to before, or a new one: created, the records uploaded as CSV, closed. */
    private String job(Exchange exchange, List<Envelope> records, SyncConfig.SalesforceObject target) {
        String uploaded = exchange.getProperty(SyncProperties.BULK_JOB, String.class);
        if (uploaded != null) {
            return uploaded;
        }
        Job request = new Job();
        request.setObject(target.sobject().orElseThrow());
        request.setExternalIdFieldName(target.externalIdField().orElseThrow());
        request.setOperation(OperationEnum.UPSERT);
        request.setContentType(ContentTypeEnum.CSV);
        request.setLineEnding(LineEndingEnum.LF);
        String jobId = calls.call(exchange, "bulk2CreateJob", Map.of(), request).getBody(Job.class).getId();
        calls.call(exchange, "bulk2CreateBatch", Map.of("jobId", jobId), toCsv(newestOfEachKey(records), target));
        calls.call(exchange, "bulk2CloseJob", Map.of("jobId", jobId), null);
        exchange.setProperty(SyncProperties.BULK_JOB, jobId);
        LOG.infof("Flow %s: Bulk API 2.0 job %s for %d records", exchange.getProperty(SyncProperties.FLOW), jobId,
                records.size());
        return jobId;
    }

    private List<Map<String, String>> results(Exchange exchange, String operation, String jobId) {
        return rows(calls.call(exchange, operation, Map.of("jobId", jobId), null).getBody(InputStream.class));
    }

    /**
     * The job's state. A poll that fails leaves the job running in Salesforce: should the chunk's retries end on it, its
     * dead letters name the job, so that whoever replays them can see first what the job did (Salesforce unreachable
     * cannot be sent an abort either).
     */
    private Job poll(Exchange exchange, String jobId) {
        try {
            return calls.call(exchange, "bulk2GetJob", Map.of("jobId", jobId), null).getBody(Job.class);
        } catch (TransientTargetException unanswered) {
            exchange.setProperty(SyncProperties.TARGET_RESPONSE, SalesforceCalls.excerpt("Bulk API 2.0 job " + jobId
                    + " was uploaded and its state could not be read; Salesforce may still process it: "
                    + exchange.getProperty(SyncProperties.TARGET_RESPONSE, "", String.class)));
            throw unanswered;
        }
    }

    /**
     * Polls the job's state every {@code bulk-poll-interval} until it completes, fails or is aborted. A job not ended
     * within {@code bulk-timeout} is aborted: what it processed stays, and its unprocessed records go again in a new
     * job, rather than the job running on behind a chunk already given up (and overwriting newer versions later).
     */
    private Job awaitEnd(Exchange exchange, String jobId) throws InterruptedException {
        Instant deadline = Instant.now().plus(config.salesforce().bulkTimeout());
        boolean abortSent = false;
        while (true) {
            Job job = poll(exchange, jobId);
            JobStateEnum state = job.getState();
            if (state == JobStateEnum.JOB_COMPLETE || state == JobStateEnum.FAILED || state == JobStateEnum.ABORTED) {
                return job;
            }
            if (Instant.now().isAfter(deadline)) {
                if (abortSent || exchange.getProperty(SyncProperties.BULK_JOB_ABORTED) != null) {
                    exchange.setProperty(SyncProperties.TARGET_RESPONSE, "Bulk API 2.0 job " + jobId + " still " + state
                            + " after it was aborted");
                    throw new TransientTargetException("Bulk API 2.0 job " + jobId + " did not end after it was aborted");
                }
                LOG.warnf("Flow %s: Bulk API 2.0 job %s still %s after %s; aborted, its unprocessed records go in a new"
                        + " job", exchange.getProperty(SyncProperties.FLOW), jobId, state, config.salesforce().bulkTimeout());
                try {
                    // a transient failure of the abort leaves the attempt: the next one waits and aborts again
                    calls.call(exchange, "bulk2AbortJob", Map.of("jobId", jobId), null);
                    exchange.setProperty(SyncProperties.BULK_JOB_ABORTED, true);
                } catch (PermanentTargetException endedMeanwhile) {
                    // InvalidJobState: the job ended between the poll and the abort (or someone else aborted it); the
                    // next poll says how
                    exchange.removeProperty(SyncProperties.TARGET_RESPONSE);
                }
                abortSent = true;
                deadline = Instant.now().plus(config.salesforce().bulkTimeout());
            }
            Thread.sleep(config.salesforce().bulkPollInterval().toMillis());
        }
    }

    /**
     * One record per external id, the chunk's last (the version guard lets no older version follow a newer one): a job
     * processes its rows in parallel batches, in no order, so two versions of a key in one job could leave the older
     * one in Salesforce. A result row names its key, so the versions before the newest share its fate: taken when it
     * is, as they would have been had they gone first.
     */
    static List<Envelope> newestOfEachKey(List<Envelope> records) {
        Map<String, Envelope> newest = new LinkedHashMap<>();
        List<Envelope> keyless = new ArrayList<>();
        for (Envelope envelope : records) {
            if (envelope.key() == null) {
                keyless.add(envelope);
            } else {
                newest.put(envelope.key(), envelope);
            }
        }
        if (keyless.isEmpty() && newest.size() == records.size()) {
            return records;
        }
        List<Envelope> rows = new ArrayList<>(newest.values());
        rows.addAll(keyless);
        return rows;
    }

    /** The external id column, then the mapped fields; values as text, an absent value left empty. */
    String toCsv(List<Envelope> chunk, SyncConfig.SalesforceObject target) {
        CsvSchema.Builder schema = CsvSchema.builder().setUseHeader(true).setLineSeparator("\n");
        List<String> columns = new ArrayList<>();
        columns.add(target.externalIdField().orElseThrow());
        target.mapping().keySet().stream().filter(f -> !f.equals(columns.get(0))).forEach(columns::add);
        columns.forEach(schema::addColumn);
        List<Map<String, String>> rows = new ArrayList<>(chunk.size());
        for (Envelope envelope : chunk) {
            Map<String, String> row = new LinkedHashMap<>();
            SalesforceRecords.fields(envelope, target, true).forEach((field, value) ->
                    row.put(field, value instanceof JsonNode node ? node.asText() : String.valueOf(value)));
            rows.add(row);
        }
        try {
            return csv.writer(schema.build()).writeValueAsString(rows);
        } catch (IOException e) {
            throw new IllegalStateException("Cannot write the Bulk API 2.0 CSV", e);
        }
    }

    private List<Map<String, String>> rows(InputStream answer) {
        if (answer == null) {
            return List.of();
        }
        try (MappingIterator<Map<String, String>> rows = csv.readerFor(Map.class)
                .with(CsvSchema.emptySchema().withHeader()).readValues(answer)) {
            return rows.readAll();
        } catch (IOException e) {
            throw new TransientTargetException("Cannot read a Bulk API 2.0 result: " + e.getClass().getSimpleName());
        }
    }
}
