package io.syncline.bench;

import java.io.BufferedReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSException;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.Session;

import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;

import io.syncline.broker.EmbeddedBroker;
import io.syncline.config.SyncConfig;
import io.syncline.record.Envelope;
import io.syncline.validation.FlowSchema;
import io.syncline.validation.FlowSchemas;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;

/** What the same machine does without Syncline: the broker alone, and the batch libraries alone. */
final class Baselines {

    private Baselines() {
    }

    /**
     * Baseline (a): Artemis as Syncline configures it ({@link EmbeddedBroker#server}, persistent NIO journal, security on),
     * in this JVM. {@code producers} threads each send persistent messages with a blocking durable send (as a webhook
     * does before its 202); {@code consumers} transacted consumers commit every {@code commitEvery} messages, or
     * sooner when no further message is waiting (as a flow's chunked worker does with {@code batch.max-records}).
     */
    static Map<String, Object> artemis(Path dir, int messages, int producers, int consumers, int commitEvery) throws Exception {
        return artemis(dir, messages, producers, consumers, commitEvery, c -> {
        });
    }

    /**
     * The journal choices for the durable accept (docs/benchmarks.md): Syncline's NIO journal against ASYNCIO (libaio)
     * and Artemis' default NIO buffer timeout, each with the same producers and a chunked consumer.
     */
    static Map<String, Object> journals(Path dir, int messages, int producers) throws Exception {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("nio", artemis(dir, messages, producers, 1, Benchmark.CHUNK, c -> {
        }));
        m.put("asyncio", artemis(dir, messages, producers, 1, Benchmark.CHUNK,
                c -> c.setJournalType(org.apache.activemq.artemis.core.server.JournalType.ASYNCIO)));
        // Artemis' own NIO default, which Syncline used before sync.broker.journal-buffer-timeout
        m.put("nioArtemisDefaultBufferTimeout", artemis(dir, messages, producers, 1, Benchmark.CHUNK,
                c -> c.setJournalBufferTimeout_NIO(org.apache.activemq.artemis.api.config.ActiveMQDefaultConfiguration
                        .getDefaultJournalBufferTimeoutNio())));
        // Artemis falls back to NIO when libaio cannot be loaded: say which one ran
        m.put("libaioLoaded", org.apache.activemq.artemis.core.io.aio.AIOSequentialFileFactory.isSupported());
        return m;
    }

    static Map<String, Object> artemis(Path dir, int messages, int producers, int consumers, int commitEvery,
            java.util.function.Consumer<org.apache.activemq.artemis.core.config.Configuration> tuning) throws Exception {
        Benchmark.deleteTree(dir);
        EmbeddedActiveMQ server = EmbeddedBroker.server(dir, new BrokerDefaults(), List.of());
        tuning.accept(server.getConfiguration());
        server.start();
        ExecutorService threads = Executors.newFixedThreadPool(producers + consumers);
        try {
            ActiveMQConnectionFactory factory = new ActiveMQConnectionFactory(EmbeddedBroker.IN_VM_URL);
            factory.setBlockOnDurableSend(true);
            String payload = "{\"claimNumber\":\"CLM-100234\",\"policyNumber\":\"AUT-4410023\",\"lossDate\":\"2026-11-26\","
                    + "\"reportedAt\":\"2026-11-27T09:14:00Z\",\"lossType\":\"auto-collision\",\"claimedAmount\":4820.50,"
                    + "\"currency\":\"EUR\",\"channel\":\"mobile\",\"description\":\"Rear-ended at a red light.\","
                    + "\"claimant\":{\"name\":\"Bench Example\",\"email\":\"bench@example.com\"}}";
            Histogram sendMicros = new ConcurrentHistogram(TimeUnit.MINUTES.toMicros(1), 3);
            long start = System.nanoTime();
            AtomicInteger received = new AtomicInteger();
            List<Future<?>> consumerRuns = new ArrayList<>();
            for (int c = 0; c < consumers; c++) {
                consumerRuns.add(threads.submit(() -> {
                    try (Connection connection = factory.createConnection()) {
                        connection.start();
                        Session session = connection.createSession(true, Session.SESSION_TRANSACTED);
                        MessageConsumer consumer = session.createConsumer(session.createQueue("bench.in"));
                        while (received.get() < messages) {
                            received.addAndGet(commitChunk(session, consumer, commitEvery));
                        }
                    }
                    return null;
                }));
            }
            for (int p = 0; p < producers; p++) {
                int share = messages / producers + (p < messages % producers ? 1 : 0);
                threads.submit(() -> {
                    try (Connection connection = factory.createConnection()) {
                        Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
                        Queue queue = session.createQueue("bench.in");
                        MessageProducer producer = session.createProducer(queue);
                        producer.setDeliveryMode(DeliveryMode.PERSISTENT);
                        for (int i = 0; i < share; i++) {
                            long sent = System.nanoTime();
                            producer.send(session.createTextMessage(payload));
                            sendMicros.recordValue((System.nanoTime() - sent) / 1000);
                        }
                    }
                    return null;
                });
            }
            for (Future<?> run : consumerRuns) {
                run.get(10, TimeUnit.MINUTES);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("messages", messages);
            m.put("producers", producers);
            m.put("consumers", consumers);
            m.put("commitEvery", commitEvery);
            m.put("journal", server.getActiveMQServer().getConfiguration().getJournalType().name());
            m.put("messagesPerSecond", Math.round(messages / seconds));
            m.put("durableSendMs", RealtimeLoad.percentiles(sendMicros));
            return m;
        } finally {
            threads.shutdownNow();
            server.stop();
        }
    }

    /**
     * Baseline (c), the door alone: an HTTP server in this JVM that answers a {@code POST} with {@code 202} once one
     * blocking durable send to Artemis as Syncline configures it has returned (on a Vert.x worker thread, as Camel's
     * platform-http runs the webhook route), while one transacted consumer takes the queue in chunks as a flow's worker
     * does. No parsing, validation, state or delivery. Driven by the same open-loop client as Syncline, after the same
     * kind of warm-up: the floor under Syncline's acceptance latency on this machine, at each of {@code rates}.
     */
    static Map<String, Object> door(Path dir, double warmUpRate, List<Double> rates, Duration warmUp, Duration run) throws Exception {
        Benchmark.deleteTree(dir);
        EmbeddedActiveMQ server = EmbeddedBroker.server(dir, new BrokerDefaults(), List.of());
        server.start();
        Vertx vertx = Vertx.vertx();
        ExecutorService worker = Executors.newSingleThreadExecutor();
        AtomicBoolean stopping = new AtomicBoolean();
        ActiveMQConnectionFactory factory = new ActiveMQConnectionFactory(EmbeddedBroker.IN_VM_URL);
        factory.setBlockOnDurableSend(true);
        try (Connection connection = factory.createConnection()) {
            connection.start();
            Future<?> consuming = worker.submit(() -> {
                Session session = connection.createSession(true, Session.SESSION_TRANSACTED);
                MessageConsumer consumer = session.createConsumer(session.createQueue("bench.in"));
                while (!stopping.get()) {
                    commitChunk(session, consumer, Benchmark.CHUNK);
                }
                return null;
            });
            // a JMS session is single-threaded: one per Vert.x worker thread, with its producer (Syncline's are cached too)
            ThreadLocal<Sender> senders = ThreadLocal.withInitial(() -> {
                try {
                    Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
                    MessageProducer producer = session.createProducer(session.createQueue("bench.in"));
                    producer.setDeliveryMode(DeliveryMode.PERSISTENT);
                    return new Sender(session, producer);
                } catch (JMSException e) {
                    throw new IllegalStateException(e);
                }
            });
            HttpServer http = vertx.createHttpServer().requestHandler(request -> request.body()
                    .compose(body -> vertx.executeBlocking(() -> {
                        Sender sender = senders.get();
                        sender.producer().send(sender.session().createTextMessage(body.toString()));
                        return 202;
                    }, false))
                    .onComplete(sent -> request.response().setStatusCode(sent.succeeded() ? 202 : 503)
                            .putHeader("Content-Type", "application/json").end("{\"status\":\"accepted\"}")));
            int port = http.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS).actualPort();
            Map<String, Object> m = new LinkedHashMap<>();
            try (RealtimeLoad load = new RealtimeLoad(URI.create("http://127.0.0.1:" + port + "/webhooks/insurance-claims"),
                    ProcessHandle.current().pid(), null)) {
                load.run(warmUpRate, Duration.ZERO, warmUp);
                for (double rate : rates) {
                    Map<String, Object> step = load.run(rate, warmUp, run).toMap();
                    Map<String, Object> r = new LinkedHashMap<>();
                    r.put("sent", step.get("sent"));
                    r.put("accepted", step.get("accepted"));
                    r.put("acceptanceMs", step.get("acceptanceMs"));
                    m.put(String.valueOf(Math.round(rate)), r);
                }
            }
            stopping.set(true);
            consuming.get(10, TimeUnit.SECONDS);
            return m;
        } finally {
            stopping.set(true);
            worker.shutdownNow();
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            server.stop();
        }
    }

    private record Sender(Session session, MessageProducer producer) {
    }

    /**
     * One chunk as a flow's worker takes it: the first message (waiting up to 100 ms), then what is already waiting, up
     * to {@code max}, committed together. Answers how many it took (0: none came).
     */
    private static int commitChunk(Session session, MessageConsumer consumer, int max) throws JMSException {
        if (consumer.receive(100) == null) {
            return 0;
        }
        int chunk = 1;
        while (chunk < max && consumer.receiveNoWait() != null) {
            chunk++;
        }
        session.commit();
        return chunk;
    }

    /**
     * Baseline (b): the same CSV through the same libraries in one plain loop: Jackson's CSV parser, the flow's JSON
     * Schema through networknt's validator (Syncline's validator settings), Jackson writing each envelope.
     */
    static Map<String, Object> csvLoop(Path csv) throws Exception {
        ObjectMapper json = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                .setNodeFactory(JsonNodeFactory.withExactBigDecimals(true));
        FlowSchema schema = new FlowSchemas(json).forFlow(BatchLoad.FLOW);
        CsvMapper csvMapper = CsvMapper.builder().enable(CsvParser.Feature.WRAP_AS_ARRAY).build();
        long rows = 0;
        long valid = 0;
        long bytes = 0;
        String receivedAt = Instant.now().toString();
        long start = System.nanoTime();
        long cpuStart = java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
        try (BufferedReader reader = Files.newBufferedReader(csv, StandardCharsets.UTF_8);
                MappingIterator<String[]> it = csvMapper.readerFor(String[].class).readValues(reader)) {
            String[] header = it.nextValue();
            while (it.hasNextValue()) {
                String[] cells = it.nextValue();
                rows++;
                Map<String, String> row = new LinkedHashMap<>();
                for (int i = 0; i < header.length; i++) {
                    row.put(header[i], cells[i]);
                }
                ObjectNode record = schema.fromColumns(row);
                if (schema.validate(record).isEmpty()) {
                    valid++;
                    Envelope envelope = new Envelope(BatchLoad.FLOW, record.path(schema.keyField()).asText(),
                            UUID.randomUUID().toString(), record.path(schema.sourceTimestampField()).asText(), receivedAt,
                            record, null, null, null);
                    bytes += json.writeValueAsString(envelope).length();
                }
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        double cpuSeconds = (java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() - cpuStart) / 1e9;
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("rows", rows);
        m.put("cpuSeconds", RealtimeLoad.round(cpuSeconds));
        m.put("rowsPerCpuSecond", Math.round(rows / cpuSeconds));
        m.put("valid", valid);
        m.put("jsonChars", bytes);
        m.put("rowsPerSecond", Math.round(rows / seconds));
        return m;
    }

    /** Syncline's broker settings at their defaults (application.properties). */
    private static final class BrokerDefaults implements SyncConfig.Broker {
        @Override
        public boolean embedded() {
            return true;
        }

        @Override
        public Optional<String> acceptor() {
            return Optional.empty();
        }

        @Override
        public Map<String, SyncConfig.BrokerUser> users() {
            return Map.of();
        }

        @Override
        public boolean allowPlaintextAcceptor() {
            return false;
        }

        @Override
        public Duration redeliveryDelay() {
            return Duration.ofSeconds(1);
        }

        @Override
        public double redeliveryMultiplier() {
            return 2.0;
        }

        @Override
        public Duration maxRedeliveryDelay() {
            return Duration.ofSeconds(60);
        }

        @Override
        public int maxDeliveryAttempts() {
            return 10;
        }

        @Override
        public String deadLetterAddress() {
            return "sync.dead-letters";
        }

        @Override
        public Duration journalBufferTimeout() {
            return Duration.ofNanos(500_000);
        }
    }
}
