package io.syncline.security;

import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import io.syncline.config.SyncConfig;
import io.syncline.state.StateStore;

/**
 * {@code Idempotency-Key} on webhooks: the first request with a key reserves it with its event id; a repeat within
 * {@code sync.webhook.idempotency-window} gets that event id back and enqueues nothing. Kept in the state database
 * (embedded H2 or PostgreSQL), so a repeat is recognised across restarts and across instances sharing PostgreSQL.
 */
@ApplicationScoped
public class IdempotencyKeys {

    private final StateStore store;
    private final SyncConfig config;

    IdempotencyKeys(StateStore store, SyncConfig config) {
        this.store = store;
        this.config = config;
    }

    /** A request still enqueueing is given this long before its key counts as abandoned (a crash mid-request). */
    static final java.time.Duration PENDING_TIMEOUT = java.time.Duration.ofSeconds(30);

    /**
     * Empty: the key is now this event's (pending until {@link #accepted}). Present: who holds it; only an accepted
     * holder's event id may be answered 202, a pending one means the first request is still being enqueued.
     */
    public Optional<StateStore.KeyHolder> claim(String flow, String key, String eventId) throws SQLException {
        Instant now = Instant.now();
        return store.claimIdempotencyKey(flow, key, eventId, now.toEpochMilli(),
                now.minus(config.webhook().idempotencyWindow()).toEpochMilli(), now.minus(PENDING_TIMEOUT).toEpochMilli());
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
