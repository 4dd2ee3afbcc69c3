package io.syncline.intake;

import java.sql.SQLException;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import io.syncline.state.StateStore;

/**
 * Where a pull resumes: one row per flow in the state store, replaced in one statement, so a crash leaves either the
 * old cursor or the new one, and the instance that runs the next pull (clustered Quartz picks one) reads it.
 */
@ApplicationScoped
public class CursorStore {

    private final StateStore store;

    CursorStore(StateStore store) {
        this.store = store;
    }

    public Optional<String> load(String flow) {
        try {
            return store.cursor(flow).map(String::trim).filter(c -> !c.isEmpty());
        } catch (SQLException e) {
            throw new IllegalStateException("The cursor of flow " + flow + " is unreadable: " + e.getMessage(), e);
        }
    }

    public void save(String flow, String cursor) {
        try {
            store.saveCursor(flow, cursor);
        } catch (SQLException e) {
            throw new IllegalStateException("The cursor of flow " + flow + " could not be saved: " + e.getMessage(), e);
        }
    }
}
