package io.syncline.security;

import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.syncline.config.SyncConfig;
import io.syncline.state.StateStore;

/**
 * {@code Idempotency-Key} on webhooks: the first request with a key reserves it with its event id and the hash of its
 * body; a repeat within {@code sync.webhook.idempotency-window} gets that event id back and enqueues nothing, a reuse
 * with another body is refused. Kept in the state database (embedded H2 or PostgreSQL), so a repeat is recognised
 * across restarts and across instances sharing PostgreSQL. Expired keys are purged.
 */
@ApplicationScoped
public class IdempotencyKeys {

    private static final Logger LOG = Logger.getLogger(IdempotencyKeys.class);

    /** A request still enqueueing is given this long before its key counts as abandoned (a crash mid-request). */
    static final Duration PENDING_TIMEOUT = Duration.ofSeconds(30);
    /** Expired keys are deleted at most this often (from the request that finds the purge due). */
    static final Duration PURGE_INTERVAL = Duration.ofMinutes(1);

    private final StateStore store;
    private final SyncConfig config;
    private volatile Instant nextPurge = Instant.EPOCH;

    IdempotencyKeys(StateStore store, SyncConfig config) {
        this.store = store;
        this.config = config;
    }

    /**
     * Empty: the key is now this event's (pending until {@link #accepted}). Present: who holds it; only an accepted
     * holder's event id may be answered 202, a pending one means the first request is still being enqueued.
     */
    public Optional<StateStore.KeyHolder> claim(String flow, String key, String eventId, String bodyHash) throws SQLException {
        Instant now = Instant.now();
        long oldestValid = now.minus(config.webhook().idempotencyWindow()).toEpochMilli();
        long oldestPending = now.minus(PENDING_TIMEOUT).toEpochMilli();
        if (now.isAfter(nextPurge)) {
            nextPurge = now.plus(PURGE_INTERVAL);
            int purged = store.purgeIdempotencyKeys(oldestValid, oldestPending);
            if (purged > 0) {
                LOG.debugf("%d expired idempotency key(s) purged", purged);
            }
        }
        return store.claimIdempotencyKey(flow, key, eventId, bodyHash, now.toEpochMilli(), oldestValid, oldestPending);
    }

    /** The broker has the event: repeats are answered with its id from now on. */
    public void accepted(String flow, String key, String eventId) throws SQLException {
        store.acceptIdempotencyKey(flow, key, eventId);
    }

    /** The event was not accepted after all (the broker refused it): a retry with the key must go through. */
    public void release(String flow, String key, String eventId) throws SQLException {
        store.releaseIdempotencyKey(flow, key, eventId);
    }
}
