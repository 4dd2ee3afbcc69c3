package io.syncline.intake;

import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;

import org.apache.camel.spi.IdempotentRepository;
import org.jboss.logging.Logger;

import io.syncline.config.SyncConfig;
import io.syncline.state.CheckIns;
import io.syncline.state.StateStore;

/**
 * Who takes a file of a shared inbox: the file consumer's read lock ({@code readLock=idempotent-changed}) adds the
 * file here before reading it, and only the instance whose claim row in the state store is written gets it. The claim
 * is renewed while the instance lives; one not renewed for {@code sync.cluster.file-claim-timeout} (its instance was
 * killed) is taken over by the next instance that polls, which resumes the file from its checkpoint. On the embedded
 * store the same rows keep one process from taking a file twice.
 */
@ApplicationScoped
@Named("fileClaims")
public class FileClaims implements IdempotentRepository {

    private static final Logger LOG = Logger.getLogger(FileClaims.class);

    private final StateStore store;
    private final SyncConfig config;
    private final String instanceId;
    private final CheckIns checkIns;
    private boolean renewing;

    FileClaims(StateStore store, SyncConfig config, CheckIns checkIns) {
        this.store = store;
        this.checkIns = checkIns;
        this.config = config;
        this.instanceId = config.instanceId();
    }

    /** The read lock's key is the file's absolute path: the claim is its flow (inbox folder) and name. */
    @Override
    public boolean add(String key) {
        Path file = Path.of(key);
        long now = System.currentTimeMillis();
        try {
            boolean claimed = store.claimFile(flow(file), file.getFileName().toString(), instanceId, now,
                    now - config.cluster().fileClaimTimeout().toMillis());
            if (claimed) {
                startRenewal();
            } else {
                LOG.debugf("%s is another instance's", file.getFileName());
            }
            return claimed;
        } catch (SQLException e) {
            LOG.warnf("%s could not be claimed; it is left for the next poll: %s", file.getFileName(), e.getMessage());
            return false;
        }
    }

    @Override
    public boolean contains(String key) {
        return false;
    }

    @Override
    public boolean remove(String key) {
        Path file = Path.of(key);
        try {
            store.releaseFile(flow(file), file.getFileName().toString(), instanceId);
            return true;
        } catch (SQLException e) {
            // the claim runs out by itself (file-claim-timeout); the file was moved already
            LOG.warnf("The claim of %s could not be released: %s", file.getFileName(), e.getMessage());
            return false;
        }
    }

    @Override
    public boolean confirm(String key) {
        return true;
    }

    @Override
    public void clear() {
        // claims of other instances are theirs to release
    }

    @Override
    public void start() {
        // renewal starts with the first claim
    }

    @Override
    public void stop() {
        // claims stay until their files are done; renewal stops with the application
    }

    private static String flow(Path file) {
        Path parent = file.getParent();
        return parent == null ? "" : parent.getFileName().toString();
    }

    private synchronized void startRenewal() {
        if (renewing) {
            return;
        }
        renewing = true;
        checkIns.every(Duration.ofMillis(Math.max(1000, config.cluster().fileClaimTimeout().toMillis() / 4)), () -> {
            try {
                store.renewFileClaims(instanceId, System.currentTimeMillis());
            } catch (SQLException | RuntimeException e) {
                LOG.warnf("File claims could not be renewed: %s", e.getMessage());
            }
        });
    }
}
