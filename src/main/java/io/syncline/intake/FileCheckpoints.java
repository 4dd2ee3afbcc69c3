package io.syncline.intake;

import java.sql.SQLException;

import jakarta.enterprise.context.ApplicationScoped;

import io.syncline.state.StateStore;

/**
 * How far a file got: the state store keeps the file's identity and the last line whose chunk was delivered or
 * dead-lettered. A run killed mid-file resumes after that line instead of from the top, on this instance or another
 * one sharing the store, so a crash repeats at most the chunks that were in flight ({@link ChunkWindow}).
 */
@ApplicationScoped
public class FileCheckpoints {

    private final StateStore store;

    FileCheckpoints(StateStore store) {
        this.store = store;
    }

    /** The last completed line of this very file (same identity), or 0. */
    public long completedLine(String flow, String fileName, String identity) {
        try {
            return store.checkpoint(flow, fileName).filter(c -> c.fileIdentity().equals(identity))
                    .map(StateStore.Checkpoint::completedLine).orElse(0L);
        } catch (SQLException e) {
            throw new IllegalStateException("The checkpoint of " + fileName + " could not be read: " + e.getMessage(), e);
        }
    }

    public void save(String flow, String fileName, String identity, long line) {
        try {
            store.saveCheckpoint(flow, fileName, identity, line);
        } catch (SQLException e) {
            throw new IllegalStateException("The checkpoint of " + fileName + " could not be saved: " + e.getMessage(), e);
        }
    }

    public void clear(String flow, String fileName) {
        try {
            store.clearCheckpoint(flow, fileName);
        } catch (SQLException e) {
            throw new IllegalStateException("The checkpoint of " + fileName + " could not be removed: " + e.getMessage(), e);
        }
    }
}
