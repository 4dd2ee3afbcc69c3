package io.syncline.intake;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Iterator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.function.LongFunction;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;

import org.apache.camel.CamelContext;
import org.apache.camel.CamelExchangeException;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.syncline.config.SyncConfig;
import io.syncline.freshness.FlowActivity;
import io.syncline.pipeline.FlowSteps;
import io.syncline.pipeline.SyncPipeline;
import io.syncline.pipeline.SyncProperties;
import io.syncline.record.BatchRun;
import io.syncline.record.IntakeKind;
import io.syncline.record.SourceRecord;
import io.syncline.state.StateStore;

/**
 * File drops in {@code inbox/<flow>/}: checks a file is text before reading it, streams its rows in chunks, and
 * writes a report for every file, whether it is archived or failed. See the file-intake template.
 */
@ApplicationScoped
@Named("fileIntake")
public class FileIntake {

    /** The name the file is stored under in archive/ or failed/, and its report's name. */
    public static final String STORED_NAME = "syncStoredName";
    static final String CHUNK_LAST_LINE = "syncChunkLastLine";
    /** The file's {@link ChunkWindow}: its chunks in flight. */
    static final String WINDOW = "syncChunkWindow";
    /** The shared route a chunk of a file is delivered by (pipeline.camel.yaml). */
    static final String DELIVER_CHUNK = "direct:sync-file-chunk";

    private static final Logger LOG = Logger.getLogger(FileIntake.class);
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmssSSS'Z'").withZone(ZoneOffset.UTC);
    private static final int SNIFF_BYTES = 8192;

    private final SyncConfig config;
    private final ObjectMapper mapper;
    private final FileCheckpoints checkpoints;
    private final FlowActivity activity;
    private final SyncPipeline pipeline;
    private final CamelContext camel;
    private final StateStore store;
    /** Threads that read and check a file's next chunk; Camel shuts them down with the context. */
    private ExecutorService chunksAhead;
    /** Threads that deliver a file's chunks while the split reads on (more than one chunk in flight). */
    private ExecutorService delivery;
    private ProducerTemplate template;
    private Endpoint chunkRoute;

    FileIntake(SyncConfig config, ObjectMapper mapper, FileCheckpoints checkpoints, FlowActivity activity,
            SyncPipeline pipeline, CamelContext camel, StateStore store) {
        this.store = store;
        this.pipeline = pipeline;
        this.camel = camel;
        this.config = config;
        this.mapper = mapper;
        this.checkpoints = checkpoints;
        this.activity = activity;
    }

    /** Opens the run; refuses an empty, binary or non-UTF-8 file before any row is read. */
    public void begin(Exchange exchange) {
        String flow = exchange.getProperty(SyncProperties.FLOW, String.class);
        File file = exchange.getMessage().getBody(File.class);
        String name = file.getName();
        BatchRun run = new BatchRun(flow, IntakeKind.FILE, name);
        exchange.setProperty(SyncProperties.BATCH_RUN, run);
        activity.runStarted(run);
        exchange.setProperty(STORED_NAME, storedName(run.startedAt(), name));
        String identity = identity(exchange, file);
        // without key holds, a later chunk could deliver a key's version before an earlier chunk's: one at a time
        int inFlight = store.holdsKeys() ? config.fileChunksInFlight(flow) : Math.min(1, config.fileChunksInFlight(flow));
        exchange.setProperty(WINDOW, new ChunkWindow(inFlight, delivery(),
                this::deliverChunk,
                line -> checkpoints.save(flow, name, identity, line),
                () -> activity.chunkDone(run)));
        String notRegular = InboxGuard.notARegularFile(file.toPath());
        if (notRegular != null) {
            // it came in after the inbox was swept: refused all the same, and never opened
            throw new FileRejectedException(notRegular);
        }
        LOG.infof("Flow %s: reading %s (%d bytes)", flow, name, file.length());
        if (file.length() == 0) {
            throw new FileRejectedException("empty file: 0 bytes");
        }
        long maxSize = config.limits().maxFileSize().asLongValue();
        if (file.length() > maxSize) {
            throw new FileRejectedException("file of " + file.length() + " bytes is over sync.limits.max-file-size ("
                    + maxSize + ")");
        }
        sniff(file.toPath());
    }

    /** The name a file is archived, failed and reported under: a time stamp, then its own name. */
    static String storedName(Instant startedAt, String name) {
        return STAMP.format(startedAt) + "-" + name;
    }

    /**
     * The file's records, a chunk at a time: {@code sync.flows.<id>.target.chunk-size}, else {@code sync.batch.chunk-size}.
     * Unless the flow has steps of its own (which come before validation), each chunk is read and checked while the one
     * before it is delivered ({@link ChunksAhead}).
     */
    public Iterator<List<SourceRecord>> chunks(Exchange exchange, String steps) throws IOException {
        String flow = exchange.getProperty(SyncProperties.FLOW, String.class);
        BatchRun run = exchange.getProperty(SyncProperties.BATCH_RUN, BatchRun.class);
        File file = exchange.getMessage().getBody(File.class);
        int chunkSize = config.fileChunkSize(flow);
        String name = file.getName();
        // The same row of the same file always has the same event id, so a file taken twice is harmless downstream.
        String fileIdentity = identity(exchange, file);
        LongFunction<String> eventIds = line -> UUID.nameUUIDFromBytes(
                (fileIdentity + line).getBytes(StandardCharsets.UTF_8)).toString();
        BufferedReader reader = Files.newBufferedReader(file.toPath(), StandardCharsets.UTF_8);
        ChunkReader chunks;
        try {
            chunks = name.toLowerCase().endsWith(".jsonl")
                    ? new JsonLinesReader(reader, chunkSize, run, flow, name, eventIds, config.limits().maxLineLength())
                    : new CsvReader(reader, chunkSize, run, mapper, flow, name, eventIds, config.limits());
        } catch (RuntimeException | IOException e) {
            reader.close();
            throw e;
        }
        long done = checkpoints.completedLine(flow, name, fileIdentity);
        if (done > 0) {
            LOG.infof("Flow %s: %s was interrupted after line %d; resuming after it", flow, name, done);
            chunks.skipThrough(done);
            run.resumedAfterLine(done);
        }
        ChunkWindow window = exchange.getProperty(WINDOW, ChunkWindow.class);
        if (!FlowSteps.NONE.equals(steps)) {
            return window.untilFailed(chunks);
        }
        String route = exchange.getFromRouteId();
        return window.untilFailed(new ChunksAhead(chunks, chunk -> pipeline.checkAhead(flow, chunk, route), chunksAhead()));
    }

    private synchronized ExecutorService delivery() {
        if (delivery == null) {
            delivery = camel.getExecutorServiceManager().newCachedThreadPool(this, "sync-file-delivery");
        }
        return delivery;
    }

    /** One chunk through route sync-file-chunk, on the calling thread; a failure stays on the exchange. */
    private void deliverChunk(Exchange chunk) {
        ProducerTemplate producer;
        Endpoint endpoint;
        synchronized (this) {
            if (template == null) {
                template = camel.createProducerTemplate();
                chunkRoute = camel.getEndpoint(DELIVER_CHUNK);
            }
            producer = template;
            endpoint = chunkRoute;
        }
        producer.send(endpoint, chunk);
    }

    private synchronized ExecutorService chunksAhead() {
        if (chunksAhead == null) {
            chunksAhead = camel.getExecutorServiceManager().newCachedThreadPool(this, "sync-chunks-ahead");
        }
        return chunksAhead;
    }

    /** Before a chunk goes through: the last line it holds. */
    public void chunkStarts(Exchange exchange) {
        List<?> chunk = exchange.getMessage().getBody(List.class);
        if (!chunk.isEmpty() && chunk.get(chunk.size() - 1) instanceof SourceRecord last && last.line() != null) {
            exchange.setProperty(CHUNK_LAST_LINE, last.line());
        }
    }

    /**
     * Hands the chunk to the file's window ({@link ChunkWindow}): delivered on another thread while the split reads on,
     * up to {@code chunks-in-flight} at once; a crash resumes after the last line every chunk up to which is done.
     * Throws the failure of a chunk handed out earlier, which stops the file.
     */
    public void deliver(Exchange exchange) throws InterruptedException {
        Exchange chunk = exchange.copy();
        // its own unit of work: a copy shares the split's, whose route stack and completions (a key hold's release)
        // belong to the split's thread; sharing it, a dead-letter split on the delivery thread was refused by Camel
        // ("Is this really correct ?": the route on the stack was the file's)
        chunk.getExchangeExtension().setUnitOfWork(null);
        exchange.getProperty(WINDOW, ChunkWindow.class).handOut(chunk, exchange.getProperty(CHUNK_LAST_LINE, Long.class));
    }

    /** A chunk failed on the split's thread (a step of the flow's own): no further chunk is read; the file stops. */
    public void chunkFailed(Exchange exchange) throws Exception {
        Exception cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        exchange.getProperty(WINDOW, ChunkWindow.class).stop(ChunkWindow.unchecked(cause));
        throw cause;
    }

    /** The same file, same size, same modification time: the identity of its event ids and of its checkpoint. */
    private static String identity(Exchange exchange, File file) {
        return exchange.getProperty(SyncProperties.FLOW, String.class) + "/" + file.getName() + "/" + file.length() + "/"
                + file.lastModified() + "/";
    }

    /** Every chunk went through: a file without a single good row is still a failure. */
    public void finish(Exchange exchange) {
        exchange.getProperty(WINDOW, ChunkWindow.class).drain();
        BatchRun run = exchange.getProperty(SyncProperties.BATCH_RUN, BatchRun.class);
        if (run.resumedAfterLine() > 0 && run.rowsRead() == 0) {
            // a crash after the last chunk and before the move: everything was delivered by the earlier run
            writeReport(exchange, FileReport.COMPLETED, null, "archive");
            checkpoints.clear(run.flow(), run.source());
            return;
        }
        if (run.rowsRead() == 0) {
            throw new FileRejectedException("no data rows");
        }
        if (run.valid() == 0) {
            throw new FileRejectedException("every row was invalid (" + run.invalid() + " dead-lettered)");
        }
        if (run.published() == 0 && run.staleSkipped() == 0) {
            throw new FileRejectedException("no row was delivered: every call to the target failed ("
                    + run.deadLettered() + " dead-lettered)");
        }
        writeReport(exchange, FileReport.COMPLETED, null, "archive");
        checkpoints.clear(run.flow(), run.source());
    }

    /** The file goes to failed/: report why, then let the file consumer move it. */
    public void failed(Exchange exchange) {
        ChunkWindow window = exchange.getProperty(WINDOW, ChunkWindow.class);
        if (window != null) {
            // the report counts, and the move waits for, every chunk still in flight
            window.drainQuietly();
        }
        Exception cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        // the split wraps a chunk's failure ("Multicast processing failed for number 4. Exchange[…]"): the report
        // names the failure itself
        while (cause instanceof CamelExchangeException && cause.getCause() instanceof Exception inner) {
            cause = inner;
        }
        String reason = cause instanceof FileRejectedException ? cause.getMessage()
                : cause == null ? "unknown error"
                : cause instanceof UncheckedIOException || cause instanceof IOException ? "unreadable file: " + cause.getMessage()
                : "processing stopped: " + cause.getClass().getSimpleName() + ": " + cause.getMessage();
        if (exchange.getProperty(SyncProperties.BATCH_RUN) != null) {
            writeReport(exchange, FileReport.FAILED, reason, "failed");
            BatchRun run = exchange.getProperty(SyncProperties.BATCH_RUN, BatchRun.class);
            checkpoints.clear(run.flow(), run.source());
        }
        throw cause instanceof FileRejectedException rejected ? rejected : new FileRejectedException(reason, cause);
    }

    private void writeReport(Exchange exchange, String status, String reason, String movedToDir) {
        BatchRun run = exchange.getProperty(SyncProperties.BATCH_RUN, BatchRun.class);
        String storedName = exchange.getProperty(STORED_NAME, String.class);
        writeReport(run, storedName, status, reason, movedToDir + "/" + run.flow() + "/" + storedName);
    }

    /** The report of a run, under {@code reports/<flow>/<storedName>.report.json}; {@code movedTo} null: still in the inbox. */
    void writeReport(BatchRun run, String storedName, String status, String reason, String movedTo) {
        Instant finished = Instant.now();
        FileReport report = new FileReport(run.flow(), run.source(), status, reason, run.rowsRead(), run.valid(),
                run.invalid(), run.published(), run.deadLettered(), run.staleSkipped(), run.resumedAfterLine(), run.startedAt().toString(), finished.toString(),
                Duration.between(run.startedAt(), finished).toMillis(), movedTo);
        activity.runFinished(run, status, reason);
        Path dir = Path.of(config.dataDir(), "reports", run.flow());
        try {
            Files.createDirectories(dir);
            Path tmp = dir.resolve(storedName + ".report.json.tmp");
            mapper.writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), report);
            Files.move(tmp, dir.resolve(storedName + ".report.json"), StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("The report of " + run.source() + " could not be written", e);
        }
        LOG.infof("Flow %s: %s %s — read %d, valid %d, invalid %d, published %d, dead-lettered %d, stale-skipped %d, %d ms%s",
                run.flow(), run.source(), status, run.rowsRead(), run.valid(), run.invalid(), run.published(),
                run.deadLettered(), run.staleSkipped(), report.durationMs(), reason == null ? "" : " (" + reason + ")");
    }

    private static void sniff(Path file) {
        byte[] head = new byte[SNIFF_BYTES];
        int read;
        try (InputStream in = Files.newInputStream(file)) {
            read = in.readNBytes(head, 0, SNIFF_BYTES);
        } catch (IOException e) {
            throw new FileRejectedException("unreadable file: " + e.getMessage(), e);
        }
        for (int i = 0; i < read; i++) {
            if (head[i] == 0) {
                throw new FileRejectedException("binary content: a NUL byte at offset " + i + "; expected CSV or JSON Lines text");
            }
        }
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer bytes = ByteBuffer.wrap(head, 0, read);
        try {
            // endOfInput=false: a character cut at the sniff boundary is not an error
            java.nio.CharBuffer chars = java.nio.CharBuffer.allocate(read + 1);
            var result = decoder.decode(bytes, chars, read < SNIFF_BYTES);
            if (result.isError()) {
                result.throwException();
            }
        } catch (CharacterCodingException e) {
            throw new FileRejectedException("not UTF-8 text: the file must be UTF-8 encoded CSV or JSON Lines");
        }
    }
}
