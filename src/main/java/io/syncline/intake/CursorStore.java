package io.syncline.intake;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import io.syncline.config.SyncConfig;

/**
 * Where a pull resumes: {@code ${sync.data-dir}/state/<flow>/cursor}, replaced atomically so a crash leaves
 * either the old cursor or the new one, never half of one.
 */
@ApplicationScoped
public class CursorStore {

    private final SyncConfig config;

    CursorStore(SyncConfig config) {
        this.config = config;
    }

    public Optional<String> load(String flow) {
        Path file = file(flow);
        try {
            return Files.exists(file) ? Optional.of(Files.readString(file, StandardCharsets.UTF_8).trim()).filter(c -> !c.isEmpty())
                    : Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("The cursor of flow " + flow + " is unreadable: " + file, e);
        }
    }

    public void save(String flow, String cursor) {
        Path file = file(flow);
        try {
            Files.createDirectories(file.getParent());
            Path tmp = file.resolveSibling("cursor.tmp");
            Files.writeString(tmp, cursor, StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("The cursor of flow " + flow + " could not be saved: " + file, e);
        }
    }

    private Path file(String flow) {
        return Path.of(config.dataDir(), "state", flow, "cursor");
    }
}
