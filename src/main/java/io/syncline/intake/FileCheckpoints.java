package io.syncline.intake;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.syncline.config.SyncConfig;

/**
 * How far a file got: {@code ${sync.data-dir}/state/<flow>/files/<name>.checkpoint} holds the file's identity
 * and the last line whose chunk was delivered or dead-lettered. A run killed mid-file resumes after that line
 * instead of from the top, so a crash repeats at most one chunk.
 */
@ApplicationScoped
public class FileCheckpoints {

    private final SyncConfig config;

    FileCheckpoints(SyncConfig config) {
        this.config = config;
    }

    /** The last completed line of this very file (same identity), or 0. */
    public long completedLine(String flow, String fileName, String identity) {
        Path file = path(flow, fileName);
        try {
            if (!Files.exists(file)) {
                return 0;
            }
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            return lines.size() == 2 && lines.get(0).equals(identity) ? Long.parseLong(lines.get(1).trim()) : 0;
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
    }

    public void save(String flow, String fileName, String identity, long line) {
        Path file = path(flow, fileName);
        try {
            Files.createDirectories(file.getParent());
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.writeString(tmp, identity + "\n" + line + "\n", StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("The checkpoint of " + fileName + " could not be saved", e);
        }
    }

    public void clear(String flow, String fileName) {
        try {
            Files.deleteIfExists(path(flow, fileName));
        } catch (IOException e) {
            throw new UncheckedIOException("The checkpoint of " + fileName + " could not be removed", e);
        }
    }

    private Path path(String flow, String fileName) {
        return Path.of(config.dataDir(), "state", flow, "files", fileName + ".checkpoint");
    }
}
