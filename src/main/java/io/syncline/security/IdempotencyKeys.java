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

    /** Empty: the key is now this event's. Present: the event id a previous request with this key was given. */
    public Optional<String> claim(String flow, String key, String eventId) throws SQLException {
        Instant now = Instant.now();
        Instant oldest = now.minus(config.webhook().idempotencyWindow());
        return store.claimIdempotencyKey(flow, key, eventId, now.toEpochMilli(), oldest.toEpochMilli());
    }

    /** The event was not accepted after all (the broker refused it): a retry with the key must go through. */
    public void release(String flow, String key, String eventId) throws SQLException {
        store.releaseIdempotencyKey(flow, key, eventId);
    }

}
