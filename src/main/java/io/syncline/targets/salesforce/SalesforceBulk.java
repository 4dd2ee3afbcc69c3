package io.syncline.targets.salesforce;

import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
 * CSV, close it, read its state until it ends, then read its failed and unprocessed records back into dead letters
 * (matched by the external id column). A job Salesforce fails or aborts fails the whole chunk.
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

    List<Envelope> publish(Exchange exchange, List<Envelope> chunk, SyncConfig.SalesforceObject target)
            throws InterruptedException {
        String externalId = target.externalIdField().orElseThrow();
        Job request = new Job();
        request.setObject(target.sobject().orElseThrow());
        request.setExternalIdFieldName(externalId);
        request.setOperation(OperationEnum.UPSERT);
        request.setContentType(ContentTypeEnum.CSV);
        request.setLineEnding(LineEndingEnum.LF);
        Job job = calls.call(exchange, "bulk2CreateJob", Map.of(), request).getBody(Job.class);
        String jobId = job.getId();
        String flow = exchange.getProperty(SyncProperties.FLOW, String.class);
        LOG.infof("Flow %s: Bulk API 2.0 job %s for %d records", flow, jobId, chunk.size());

        calls.call(exchange, "bulk2CreateBatch", Map.of("jobId", jobId), toCsv(chunk, target));
        calls.call(exchange, "bulk2CloseJob", Map.of("jobId", jobId), null);
        Job done = awaitEnd(exchange, jobId);
        if (done.getState() != JobStateEnum.JOB_COMPLETE) {
            exchange.setProperty(SyncProperties.TARGET_RESPONSE, SalesforceCalls.excerpt("Bulk API 2.0 job " + jobId + " "
                    + done.getState() + (done.getErrorMessage() == null ? "" : ": " + done.getErrorMessage())));
            throw new PermanentTargetException("Bulk API 2.0 job " + jobId + " ended " + done.getState());
        }

        Map<String, List<Envelope>> byExternalId = new HashMap<>();
        for (Envelope envelope : chunk) {
            byExternalId.computeIfAbsent(envelope.key(), k -> new ArrayList<>()).add(envelope);
        }
        Map<Envelope, String> rejected = new LinkedHashMap<>();
        int unmatched = 0;
        for (Map<String, String> row : rows(calls.call(exchange, "bulk2GetFailedResults", Map.of("jobId", jobId), null)
                .getBody(InputStream.class))) {
            List<Envelope> failed = byExternalId.getOrDefault(row.get(externalId), List.of());
            unmatched += failed.isEmpty() ? 1 : 0;
            failed.forEach(e -> rejected.put(e, "Bulk API 2.0 job " + jobId + ": " + row.getOrDefault(ERROR_COLUMN, "failed")));
        }
        for (Map<String, String> row : rows(calls.call(exchange, "bulk2GetUnprocessedRecords", Map.of("jobId", jobId), null)
                .getBody(InputStream.class))) {
            List<Envelope> unprocessed = byExternalId.getOrDefault(row.get(externalId), List.of());
            unmatched += unprocessed.isEmpty() ? 1 : 0;
            unprocessed.forEach(e -> rejected.putIfAbsent(e, "Bulk API 2.0 job " + jobId + ": not processed"));
        }
        if (unmatched > 0) {
            // a failed row that names no record of the chunk: which record failed is unknown, so none counts as
            // delivered; the chunk is sent again (an upsert by external id is safe to repeat)
            exchange.setProperty(SyncProperties.TARGET_RESPONSE, "Bulk API 2.0 job " + jobId + ": " + unmatched
                    + " failed or unprocessed row(s) without a known external id");
            throw new TransientTargetException("Bulk API 2.0 job " + jobId + " reported rows it cannot be matched to");
        }
        List<Envelope> delivered = new ArrayList<>(chunk.size());
        for (Envelope envelope : chunk) {
            if (!rejected.containsKey(envelope)) {
                delivered.add(envelope);
            }
        }
        if (!rejected.isEmpty()) {
            deadLetters.rejectedItems(exchange, new ArrayList<>(rejected.keySet()),
                    rejected.values().stream().map(SalesforceCalls::excerpt).toList());
        }
        return delivered;
    }

    /** Polls the job's state every {@code bulk-poll-interval} until it completes, fails or is aborted. */
    private Job awaitEnd(Exchange exchange, String jobId) throws InterruptedException {
        Instant deadline = Instant.now().plus(config.salesforce().bulkTimeout());
        while (true) {
            Job job = calls.call(exchange, "bulk2GetJob", Map.of("jobId", jobId), null).getBody(Job.class);
            JobStateEnum state = job.getState();
            if (state == JobStateEnum.JOB_COMPLETE || state == JobStateEnum.FAILED || state == JobStateEnum.ABORTED) {
                return job;
            }
            if (Instant.now().isAfter(deadline)) {
                exchange.setProperty(SyncProperties.TARGET_RESPONSE, "Bulk API 2.0 job " + jobId + " still " + state);
                throw new TransientTargetException("Bulk API 2.0 job " + jobId + " did not end within "
                        + config.salesforce().bulkTimeout());
            }
            Thread.sleep(config.salesforce().bulkPollInterval().toMillis());
        }
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
