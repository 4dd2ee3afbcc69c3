package io.syncline.targets;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;

import org.apache.camel.Exchange;

import io.syncline.config.SyncConfig;
import io.syncline.pipeline.SyncPipeline;
import io.syncline.pipeline.SyncProperties;
import io.syncline.record.Envelope;

/**
 * The embedded default target: envelopes appended as JSON Lines to
 * {@code ${sync.data-dir}/outbox/<flow>/<flow>-<yyyy-MM-dd>.jsonl} and forced to disk before the chunk counts as
 * published, so an acknowledged JMS message or an archived file never stands for a record that is not there.
 */
@ApplicationScoped
@Named("outboxTarget")
public class OutboxTarget {

    private final SyncConfig config;
    private final SyncPipeline pipeline;
    private final Map<String, Forces> forces = new ConcurrentHashMap<>();

    OutboxTarget(SyncConfig config, SyncPipeline pipeline) {
        this.config = config;
        this.pipeline = pipeline;
    }

    public void append(Exchange exchange) throws IOException {
        @SuppressWarnings("unchecked")
        List<Envelope> chunk = exchange.getMessage().getBody(List.class);
        String flow = exchange.getProperty(SyncProperties.FLOW, String.class);
        // a line each, the last one ended too
        byte[] bytes = pipeline.joined(chunk, "", '\n', "\n");
        Path dir = Path.of(config.dataDir(), "outbox", flow);
        Path file = dir.resolve(flow + "-" + LocalDate.now(ZoneOffset.UTC) + ".jsonl");
        Forces forces = this.forces.computeIfAbsent(flow, f -> new Forces());
        Written written;
        synchronized (forces) {
            // a stat, not createDirectories: that one tries mkdir first and builds an exception when the folder exists
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir);
            }
            // opened per chunk, not kept open: whoever reads the outbox may move a file away between two chunks
            FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.APPEND);
            try {
                ByteBuffer buffer = ByteBuffer.wrap(bytes);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
            } catch (IOException | RuntimeException e) {
                channel.close();
                throw e;
            }
            written = new Written(channel, new CompletableFuture<>());
            forces.unforced.add(written);
        }
        forces.force(written);
    }

    /** A chunk's lines written to the file and not yet known to be on disk. */
    private record Written(FileChannel channel, CompletableFuture<Void> forced) {
    }

    /**
     * A flow's forced writes, grouped: a chunk whose lines were written while another chunk's force was under way (a
     * file's next chunk in flight, another consumer's chunk) does not force alone afterwards; the next force covers
     * every chunk written until it starts. Each chunk still returns only once a force that began after its write
     * ended.
     */
    private static final class Forces {
        private final List<Written> unforced = new ArrayList<>();
        private boolean forcing;

        void force(Written mine) throws IOException {
            while (!mine.forced().isDone()) {
                List<Written> batch;
                synchronized (this) {
                    if (mine.forced().isDone()) {
                        break;
                    }
                    if (forcing) {
                        try {
                            wait();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            if (unforced.remove(mine)) {
                                // no force will cover it now: its channel is closed here, not by a later chunk's force
                                closeQuietly(mine.channel());
                            }
                            throw new IOException("Interrupted while waiting for the outbox's forced write", e);
                        }
                        continue;
                    }
                    forcing = true;
                    batch = new ArrayList<>(unforced);
                    unforced.clear();
                }
                try {
                    forceAll(batch);
                } catch (RuntimeException | Error e) {
                    // no chunk of the batch may wait for a force that will never complete
                    for (Written written : batch) {
                        closeQuietly(written.channel());
                        written.forced().completeExceptionally(new IOException("The outbox's forced write failed: " + e, e));
                    }
                    throw e;
                } finally {
                    synchronized (this) {
                        forcing = false;
                        notifyAll();
                    }
                }
            }
            try {
                mine.forced().join();
            } catch (CompletionException e) {
                throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
            }
        }

        private static void closeQuietly(FileChannel channel) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // the chunk fails anyway; nothing of it counts as written
            }
        }

        /**
         * Forces each channel (of one file they share an inode: after the first, the others find nothing left to write)
         * and closes it; a failure fails every chunk of the batch.
         */
        private static void forceAll(List<Written> batch) {
            IOException failure = null;
            for (Written written : batch) {
                try {
                    if (failure == null) {
                        written.channel().force(false);
                    }
                } catch (IOException e) {
                    failure = e;
                }
            }
            for (Written written : batch) {
                try {
                    written.channel().close();
                } catch (IOException e) {
                    failure = failure == null ? e : failure;
                }
            }
            for (Written written : batch) {
                if (failure == null) {
                    written.forced().complete(null);
                } else {
                    written.forced().completeExceptionally(failure);
                }
            }
        }
    }
}
