package io.syncline.packaged;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.jms.Connection;
import jakarta.jms.Session;

import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.Test;

import io.syncline.support.Claims;
import io.syncline.support.DataDirResource;
import io.syncline.support.Examples;
import io.syncline.support.Users;

/**
 * The embedded broker's acceptor as an operator configures it: what start-up refuses, what it only warns about, and a
 * SIGTERM in the middle of webhook and JMS traffic (no stack trace, nothing accepted lost).
 */
class BrokerAcceptorIT {

    static final Path WORK = Path.of("target", "it-data", "acceptor").toAbsolutePath();
    static final String FLOW = "financial-portfolio-trades";
    static final String SOURCE = "trading-platform";
    static final String SOURCE_PASSWORD = "trades-only-9d2c";

    @Test
    void anAcceptorThatWouldBeUselessOrUnsafeIsRefusedAtStartUpNamingTheKey() throws Exception {
        Path dataDir = WORK.resolve("refused");
        DataDirResource.deleteRecursively(dataDir);
        int port = PackagedApp.freePort();

        String noUser = refusal(dataDir, "no-user", Map.of("sync.broker.acceptor", "tcp://127.0.0.1:" + port + "?protocols=CORE"));
        assertTrue(noUser.contains("sync.broker.acceptor is set but no broker user is configured"), noUser);

        String plaintext = refusal(dataDir, "plaintext", Map.of(
                "sync.broker.acceptor", "tcp://0.0.0.0:" + port + "?protocols=CORE",
                "sync.broker.users." + SOURCE + ".password-hash", Users.hash(SOURCE, SOURCE_PASSWORD),
                "sync.broker.users." + SOURCE + ".send-to", FLOW));
        assertTrue(plaintext.contains("listens on 0.0.0.0 without TLS") && plaintext.contains("sync.broker.allow-plaintext-acceptor"),
                plaintext);

        String wrongUser = refusal(dataDir, "wrong-user", Map.of(
                "sync.broker.acceptor", "tcp://127.0.0.1:" + port + "?protocols=CORE",
                "sync.broker.users." + SOURCE + ".password-hash", SOURCE_PASSWORD,
                "sync.broker.users." + SOURCE + ".send-to", "retail-gift-cards"));
        assertTrue(wrongUser.contains("sync.broker.users." + SOURCE + ".password-hash is not HEX(SHA-512"), wrongUser);
        assertTrue(wrongUser.contains("sync.broker.users." + SOURCE + ".send-to names retail-gift-cards"), wrongUser);
        assertTrue(!wrongUser.contains(SOURCE_PASSWORD), "the refusal quotes the password");
    }

    @Test
    void aBrokerThatCannotStartStopsSyncline() throws Exception {
        Path dataDir = WORK.resolve("no-journal");
        DataDirResource.deleteRecursively(dataDir);
        Files.createDirectories(dataDir);
        // the broker's folder is a file: the journal cannot be written (the broker loads beside Camel's routes)
        Files.writeString(dataDir.resolve("broker"), "not a folder");

        String log = refusal(dataDir, "no-journal", Map.of());
        assertTrue(log.contains("Syncline stops: The embedded Artemis broker did not start"), log);
    }

    @Test
    void aSigtermDuringWebhookAndJmsTrafficLogsNoStackTraceAndLosesNothingAccepted() throws Exception {
        Path dataDir = WORK.resolve("sigterm");
        DataDirResource.deleteRecursively(dataDir);
        int port = PackagedApp.freePort();
        // plaintext on every address, allowed on purpose: it starts, and says so at every start
        Map<String, String> settings = Map.of(
                "sync.broker.acceptor", "tcp://0.0.0.0:" + port + "?protocols=CORE",
                "sync.broker.allow-plaintext-acceptor", "true",
                "sync.broker.users." + SOURCE + ".password-hash", Users.hash(SOURCE, SOURCE_PASSWORD),
                "sync.broker.users." + SOURCE + ".send-to", FLOW);
        Path log = WORK.resolve("sigterm.log");
        Files.deleteIfExists(log);
        Set<String> accepted = ConcurrentHashMap.newKeySet();
        Set<String> sent = ConcurrentHashMap.newKeySet();
        AtomicBoolean stopping = new AtomicBoolean();
        ExecutorService traffic = Executors.newFixedThreadPool(2);
        PackagedApp app = PackagedApp.start(dataDir, settings, log);
        try {
            assertTrue(Files.readString(log).contains("SECURITY: sync.broker.acceptor listens on 0.0.0.0 without TLS"));
            traffic.submit(() -> {
                while (!stopping.get()) {
                    String claim = Claims.newClaimNumber();
                    try {
                        HttpResponse<String> answer = app.postJson("/webhooks/insurance-claims", Claims.valid(claim));
                        if (answer.statusCode() == 202) {
                            accepted.add(claim);
                        }
                    } catch (Exception shuttingDown) {
                        return null;
                    }
                }
                return null;
            });
            traffic.submit(() -> {
                ActiveMQConnectionFactory factory = new ActiveMQConnectionFactory("tcp://127.0.0.1:" + port);
                factory.setReconnectAttempts(0);
                try (Connection connection = factory.createConnection(SOURCE, SOURCE_PASSWORD)) {
                    Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
                    var producer = session.createProducer(session.createQueue("sync." + FLOW + ".in"));
                    long n = System.currentTimeMillis();
                    while (!stopping.get()) {
                        String trade = "TRD-" + n++;
                        producer.send(session.createTextMessage(Examples.compact(FLOW, "valid.json").replace("TRD-2026112700418", trade)));
                        sent.add(trade);
                    }
                } catch (Exception shuttingDown) {
                    return null;
                }
                return null;
            });
            await().atMost(Duration.ofSeconds(60)).until(() -> accepted.size() >= 50 && sent.size() >= 50);
            int exit = app.terminate();
            stopping.set(true);
            assertTrue(exit == 0 || exit == 143, "exit code " + exit);
        } finally {
            stopping.set(true);
            traffic.shutdown();
            traffic.awaitTermination(30, TimeUnit.SECONDS);
            app.close();
        }
        List<String> traces = new ArrayList<>();
        for (String line : Files.readAllLines(log)) {
            if (line.matches("\\s+at .*") || line.startsWith("Caused by") || line.contains(" ERROR ")) {
                traces.add(line);
            }
        }
        assertEquals(List.of(), traces, "see " + log);

        // what was accepted before the SIGTERM is delivered, now or after the restart
        try (PackagedApp again = PackagedApp.start(dataDir, settings, WORK.resolve("sigterm-restart.log"))) {
            await().atMost(Duration.ofSeconds(60)).until(() -> Outbox.keyCounts(dataDir.resolve("outbox/insurance-claims")).keySet()
                    .containsAll(accepted));
            await().atMost(Duration.ofSeconds(60)).until(() -> Outbox.keyCounts(dataDir.resolve("outbox/" + FLOW)).keySet()
                    .containsAll(sent));
        }
        assertNotEquals(0, accepted.size());
    }

    private static String refusal(Path dataDir, String name, Map<String, String> settings) throws Exception {
        Path log = WORK.resolve(name + ".log");
        Files.deleteIfExists(log);
        assertNotEquals(0, PackagedApp.runUntilExit(dataDir, settings, log), "started with " + settings);
        return Files.readString(log);
    }
}
