package io.syncline.intake;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.syncline.config.SyncConfig;
import io.syncline.freshness.FlowActivity;
import io.syncline.pipeline.SyncProperties;
import io.syncline.record.BatchRun;
import io.syncline.record.IntakeKind;
import io.syncline.record.SourceRecord;
import io.syncline.security.SecretMasking;

/**
 * A Quartz-timed GET of a source API, page by page from the saved cursor. The source answers
 * {@code {"items":[...], "nextCursor":"..."}} (field names configurable); a page is committed (its cursor saved)
 * only after its records went through the pipeline, so a crash repeats a page and never skips one.
 */
@ApplicationScoped
@Named("pullIntake")
public class PullIntake {

    public static final String MORE = "syncPullMore";
    public static final String URL = "syncPullUrl";
    static final String CURSOR = "syncPullCursor";
    static final String NEXT_CURSOR = "syncPullNextCursor";

    private static final Logger LOG = Logger.getLogger(PullIntake.class);

    private final SyncConfig config;
    private final CursorStore cursors;
    private final ObjectMapper mapper;
    private final java.util.Set<String> unconfigured = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private final FlowActivity activity;

    PullIntake(SyncConfig config, CursorStore cursors, ObjectMapper mapper, FlowActivity activity) {
        this.config = config;
        this.cursors = cursors;
        this.mapper = mapper;
        this.activity = activity;
    }

    public void begin(Exchange exchange) {
        String flow = exchange.getProperty(SyncProperties.FLOW, String.class);
        SyncConfig.Pull pull = config.flow(flow).pull();
        if (pull.url().isEmpty()) {
            // Nothing to pull from yet: say so once, and let the flow's freshness tell that it is not fed.
            if (unconfigured.add(flow)) {
                LOG.warnf("Flow %s: no sync.flows.%s.pull.url, its pull does not run", flow, flow);
            }
            exchange.setProperty(MORE, false);
            exchange.setRouteStop(true);
            return;
        }
        String url = pull.url().get();
        exchange.setProperty(URL, url);
        BatchRun run = new BatchRun(flow, IntakeKind.PULL, SecretMasking.url(url));
        exchange.setProperty(SyncProperties.BATCH_RUN, run);
        activity.runStarted(run);
        cursors.load(flow).ifPresent(cursor -> exchange.setProperty(CURSOR, cursor));
        exchange.setProperty(MORE, true);
    }

    /** The GET for the next page; nothing inbound reaches the producer. */
    public void request(Exchange exchange) {
        String flow = exchange.getProperty(SyncProperties.FLOW, String.class);
        SyncConfig.Pull pull = config.flow(flow).pull();
        String cursor = exchange.getProperty(CURSOR, String.class);
        Message message = exchange.getMessage();
        message.removeHeaders("*");
        message.setBody(null);
        message.setHeader(Exchange.HTTP_METHOD, "GET");
        message.setHeader("Accept", "application/json");
        String query = pull.limitParam() + "=" + pull.pageSize();
        if (cursor != null) {
            query += "&" + pull.cursorParam() + "=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8);
        }
        message.setHeader(Exchange.HTTP_QUERY, query);
    }

    /** The page's items become the chunk; an empty page or no next cursor ends the run. */
    public void page(Exchange exchange) throws Exception {
        String flow = exchange.getProperty(SyncProperties.FLOW, String.class);
        SyncConfig.Pull pull = config.flow(flow).pull();
        BatchRun run = exchange.getProperty(SyncProperties.BATCH_RUN, BatchRun.class);
        JsonNode page = mapper.readTree(exchange.getMessage().getBody(String.class));
        JsonNode items = page == null ? null : page.get(pull.itemsField());
        if (items == null || !items.isArray()) {
            throw new IllegalStateException("Flow " + flow + ": the source's answer has no array '" + pull.itemsField() + "'");
        }
        Instant receivedAt = Instant.now();
        String cursor = exchange.getProperty(CURSOR, "", String.class);
        List<SourceRecord> chunk = new ArrayList<>(items.size());
        int index = 0;
        for (JsonNode item : items) {
            run.rowRead();
            // Same page, same item: same event id, so a repeated page is harmless downstream.
            String eventId = UUID.nameUUIDFromBytes((flow + "/" + cursor + "/" + index++).getBytes(StandardCharsets.UTF_8)).toString();
            chunk.add(SourceRecord.json(flow, IntakeKind.PULL, eventId, receivedAt, mapper.writeValueAsString(item)));
        }
        JsonNode next = page.get(pull.nextCursorField());
        String nextCursor = next == null || next.isNull() || next.asText().isEmpty() ? null : next.asText();
        exchange.setProperty(NEXT_CURSOR, nextCursor);
        exchange.setProperty(MORE, nextCursor != null && !items.isEmpty() && !nextCursor.equals(cursor));
        exchange.getMessage().removeHeaders("*");
        exchange.getMessage().setBody(chunk);
    }

    /** The page is through the pipeline: remember where the next one starts. */
    public void commit(Exchange exchange) {
        String flow = exchange.getProperty(SyncProperties.FLOW, String.class);
        String next = exchange.getProperty(NEXT_CURSOR, String.class);
        if (next != null) {
            cursors.save(flow, next);
            exchange.setProperty(CURSOR, next);
        }
    }

    /** The run stopped on an error: its cursor stays, the flow's health says why until a run completes. */
    public void failed(Exchange exchange) {
        BatchRun run = exchange.getProperty(SyncProperties.BATCH_RUN, BatchRun.class);
        Exception error = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        String reason = error == null ? "unknown error" : SecretMasking.url(error.getClass().getSimpleName() + ": " + error.getMessage());
        if (run != null) {
            activity.runFinished(run, "failed", reason);
        }
        LOG.warnf("Flow %s: pull failed after %d item(s); the next run starts again from the saved cursor: %s",
                exchange.getProperty(SyncProperties.FLOW, String.class), run == null ? 0 : run.rowsRead(), reason);
    }

    public void finish(Exchange exchange) {
        BatchRun run = exchange.getProperty(SyncProperties.BATCH_RUN, BatchRun.class);
        activity.runFinished(run, "completed", null);
        LOG.infof("Flow %s: pull read %d, valid %d, invalid %d, published %d, dead-lettered %d", run.flow(),
                run.rowsRead(), run.valid(), run.invalid(), run.published(), run.deadLettered());
    }
}
