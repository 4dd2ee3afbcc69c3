package io.syncline.state;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;

import org.apache.camel.Exchange;
import org.apache.camel.support.SynchronizationAdapter;
import org.jboss.logging.Logger;

import io.syncline.pipeline.Outcomes;
import io.syncline.pipeline.SyncProperties;
import io.syncline.record.BatchRun;
import io.syncline.record.Envelope;

/**
 * The stale-version guard: a record older than the version already delivered for its key is not published, so a
 * nightly reconciliation file never overwrites a newer real-time update. On a replay from the dead letters the same
 * version is skipped too: what was meanwhile delivered is not delivered twice. Skips are counted as
 * {@code stale-skipped}. The stale check, the publishing and the version write of a chunk hold its keys (see
 * {@link StateStore.KeyHold}): two versions of one key reach the target in version order whichever instance or intake
 * takes them.
 */
@ApplicationScoped
@Named("versionGuard")
public class VersionGuard {

    private static final Logger LOG = Logger.getLogger(VersionGuard.class);
    /** The chunk's hold on its keys, from the stale check until its versions are written. */
    static final String KEY_HOLD = "syncKeyHold";

    private final StateStore store;
    private final Outcomes outcomes;

    VersionGuard(StateStore store, Outcomes outcomes) {
        this.store = store;
        this.outcomes = outcomes;
    }

    /** Body in and out: the chunk's envelopes, less the stale ones. */
    public void dropStale(Exchange exchange) throws SQLException {
        @SuppressWarnings("unchecked")
        List<Envelope> chunk = exchange.getMessage().getBody(List.class);
        String flow = exchange.getProperty(SyncProperties.FLOW, String.class);
        boolean replay = exchange.getProperty(SyncProperties.REPLAY_COUNT) != null;
        Set<String> keys = new LinkedHashSet<>();
        // each source timestamp parsed once per chunk, not once per loop
        Long[] versions = new Long[chunk.size()];
        for (int i = 0; i < versions.length; i++) {
            Envelope envelope = chunk.get(i);
            versions[i] = version(envelope);
            // a key without a version (a flow whose source timestamp is a date) is held too: with a file's chunks in
            // flight, the hold is what keeps its rows in file order at the target
            if (envelope.key() != null) {
                keys.add(envelope.key());
            }
        }
        if (keys.isEmpty()) {
            keysHeld(exchange);
            return;
        }
        release(exchange);
        StateStore.KeyHold hold = store.hold(flow, keys);
        exchange.setProperty(KEY_HOLD, hold);
        keysHeld(exchange);
        if (hold.holdsKeys()) {
            // whatever way the exchange ends (a failure the error handler did not continue), the keys are let go
            exchange.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
                @Override
                public void onDone(Exchange done) {
                    hold.close();
                }
            });
        }
        Map<String, Long> previous = hold.versions();
        exchange.setProperty(SyncProperties.PREVIOUS_VERSIONS, previous);
        Map<String, Long> newest = new HashMap<>(previous);
        List<Envelope> fresh = new ArrayList<>(chunk.size());
        int skipped = 0;
        for (int i = 0; i < versions.length; i++) {
            Envelope envelope = chunk.get(i);
            Long version = versions[i];
            Long delivered = envelope.key() == null ? null : newest.get(envelope.key());
            boolean stale = version != null && delivered != null && (version < delivered || (replay && version.equals(delivered)));
            if (stale) {
                skipped++;
                continue;
            }
            if (version != null && envelope.key() != null) {
                // an older version later in the same chunk must not overtake this one
                newest.merge(envelope.key(), version, Math::max);
            }
            fresh.add(envelope);
        }
        if (skipped > 0) {
            LOG.debugf("Flow %s: %d stale record(s) skipped", flow, skipped);
            outcomes.count(flow, Outcomes.STALE_SKIPPED, skipped);
            BatchRun run = exchange.getProperty(SyncProperties.BATCH_RUN, BatchRun.class);
            if (run != null) {
                run.staleSkipped(skipped);
            }
            exchange.getMessage().setBody(fresh);
        }
    }

    /** A file's next chunk may now take its keys: after this one's, so two versions of a key keep file order. */
    private static void keysHeld(Exchange exchange) {
        CompletableFuture<?> held = exchange.getProperty(SyncProperties.KEYS_HELD, CompletableFuture.class);
        if (held != null) {
            held.complete(null);
        }
    }

    /** After the target took the chunk in the body: its versions are now the ones to beat. */
    public void remember(Exchange exchange) throws SQLException {
        @SuppressWarnings("unchecked")
        List<Envelope> chunk = exchange.getMessage().getBody(List.class);
        String flow = exchange.getProperty(SyncProperties.FLOW, String.class);
        Map<String, Long> versions = new HashMap<>();
        Map<String, String> eventIds = new HashMap<>();
        for (Envelope envelope : chunk) {
            Long version = version(envelope);
            if (envelope.key() != null && version != null) {
                if (versions.merge(envelope.key(), version, Math::max).equals(version)) {
                    eventIds.put(envelope.key(), envelope.eventId());
                }
            }
        }
        StateStore.KeyHold hold = exchange.getProperty(KEY_HOLD, StateStore.KeyHold.class);
        if (hold == null) {
            store.remember(flow, versions, eventIds);
            return;
        }
        exchange.removeProperty(KEY_HOLD);
        hold.remember(versions, eventIds);
    }

    /**
     * After a chunk: lets go of its keys if they are still held (every record was stale, or its delivery failed and
     * went to the dead letters), so the next chunk of those keys on any instance goes on.
     */
    public void release(Exchange exchange) {
        StateStore.KeyHold hold = exchange.getProperty(KEY_HOLD, StateStore.KeyHold.class);
        if (hold != null) {
            exchange.removeProperty(KEY_HOLD);
            hold.close();
        }
    }

    /** The source timestamp in epoch milliseconds; null when the record has none that parses. */
    static Long version(Envelope envelope) {
        java.time.Instant source = envelope.sourceInstant();
        return source == null ? null : source.toEpochMilli();
    }
}
