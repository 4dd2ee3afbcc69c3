package io.syncline.targets;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
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
    private final Map<String, Object> locks = new ConcurrentHashMap<>();

    OutboxTarget(SyncConfig config, SyncPipeline pipeline) {
        this.config = config;
        this.pipeline = pipeline;
    }

    public void append(Exchange exchange) throws IOException {
        @SuppressWarnings("unchecked")
        List<Envelope> chunk = exchange.getMessage().getBody(List.class);
        String flow = exchange.getProperty(SyncProperties.FLOW, String.class);
        StringBuilder lines = new StringBuilder(chunk.size() * 256);
        for (Envelope envelope : chunk) {
            lines.append(pipeline.toJsonLine(envelope)).append('\n');
        }
        byte[] bytes = lines.toString().getBytes(StandardCharsets.UTF_8);
        Path dir = Path.of(config.dataDir(), "outbox", flow);
        Path file = dir.resolve(flow + "-" + LocalDate.now(ZoneOffset.UTC) + ".jsonl");
        synchronized (locks.computeIfAbsent(flow, f -> new Object())) {
            // a stat, not createDirectories: that one tries mkdir first and builds an exception when the folder exists
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir);
            }
            // opened per chunk, not kept open: whoever reads the outbox may move a file away between two chunks
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.APPEND)) {
                ByteBuffer buffer = ByteBuffer.wrap(bytes);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(false);
            }
        }
    }
}
