package io.syncline.packaged;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.syncline.support.Claims;
import io.syncline.support.DataDirResource;

/**
 * Syncline on a standalone ActiveMQ Artemis (the distribution from Maven Central, unpacked by the build), whose
 * broker process is killed and restarted while webhooks keep coming: 503 while it is down, never 202, and
 * nothing that was accepted is lost.
 */
class StandaloneBrokerIT {

    static final Path WORK = Path.of("target", "it-data").toAbsolutePath();
    static final ObjectMapper JSON = new ObjectMapper();

    record Answer(String claim, int status, long sentAt, long answeredAt) {
    }

    @Test
    void theBrokerKilledAndRestartedMidStreamLosesNothingAndWebhooksAnswer503MeanwhileNot202() throws Exception {
        Path home = Path.of(System.getProperty("syncline.artemis.home", "target/artemis/apache-artemis-2.40.0"));
        Path instance = WORK.resolve("artemis-instance");
        Path dataDir = WORK.resolve("standalone");
        DataDirResource.deleteRecursively(instance);
        DataDirResource.deleteRecursively(dataDir);
        int port = freePort();
        Process create = new ProcessBuilder("bash", home.resolve("bin/artemis").toString(), "create", instance.toString(),
                "--silent", "--no-web", "--host", "127.0.0.1", "--default-port", String.valueOf(port),
                "--user", "syncline", "--password", "syncline", "--require-login", "--no-autotune",
                "--no-amqp-acceptor", "--no-mqtt-acceptor", "--no-stomp-acceptor", "--no-hornetq-acceptor")
                .redirectErrorStream(true).redirectOutput(WORK.resolve("artemis-create.log").toFile()).start();
        assertEquals(0, create.waitFor(), "artemis create");

        Process broker = startBroker(instance, port);
        List<Answer> answers = new CopyOnWriteArrayList<>();
        AtomicBoolean posting = new AtomicBoolean(true);
        Map<String, String> settings = Map.of("sync.broker.embedded", "false",
                "quarkus.artemis.url", "tcp://127.0.0.1:" + port,
                "quarkus.artemis.username", "syncline", "quarkus.artemis.password", "syncline");
        try (PackagedApp app = PackagedApp.start(dataDir, settings, WORK.resolve("standalone.log"))) {
            Thread poster = new Thread(() -> {
                while (posting.get()) {
                    String claim = Claims.newClaimNumber();
                    long sent = System.currentTimeMillis();
                    try {
                        HttpResponse<String> answer = app.postJson("/webhooks/insurance-claims", Claims.valid(claim));
                        answers.add(new Answer(claim, answer.statusCode(), sent, System.currentTimeMillis()));
                    } catch (IOException e) {
                        answers.add(new Answer(claim, -1, sent, System.currentTimeMillis()));
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            poster.start();
            await().atMost(Duration.ofSeconds(60)).until(() -> count(answers, 202) >= 50);

            broker.destroyForcibly().waitFor();
            long downAt = System.currentTimeMillis();
            await().atMost(Duration.ofSeconds(60)).until(() -> answers.stream().filter(a -> a.sentAt() > downAt && a.status() == 503).count() >= 5);
            long restartAt = System.currentTimeMillis();
            broker = startBroker(instance, port);
            long upAt = System.currentTimeMillis();
            await().atMost(Duration.ofSeconds(90)).until(() -> answers.stream().filter(a -> a.sentAt() > upAt && a.status() == 202).count() >= 20);
            posting.set(false);
            poster.join(30_000);

            List<Answer> whileDown = answers.stream().filter(a -> a.sentAt() > downAt && a.answeredAt() < restartAt).toList();
            assertTrue(whileDown.stream().noneMatch(a -> a.status() == 202), "no 202 while the broker was down");
            assertTrue(whileDown.stream().allMatch(a -> a.status() == 503), "503 while the broker was down: " + whileDown);

            Set<String> accepted = answers.stream().filter(a -> a.status() == 202).map(Answer::claim).collect(Collectors.toSet());
            Path outbox = dataDir.resolve("outbox").resolve("insurance-claims");
            await().atMost(Duration.ofSeconds(90)).until(() -> Outbox.keyCounts(outbox).keySet().containsAll(accepted));
            System.out.printf("standalone broker: %d answers, %d accepted, %d answered 503 while it was down, all %d delivered%n",
                    answers.size(), accepted.size(), whileDown.size(), accepted.size());
        } finally {
            posting.set(false);
            broker.destroy();
            broker.waitFor();
        }
    }

    private static Process startBroker(Path instance, int port) throws IOException {
        Path log = WORK.resolve("artemis-run.log");
        Process process = new ProcessBuilder("bash", instance.resolve("bin/artemis").toString(), "run")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            if (!process.isAlive()) {
                throw new IllegalStateException("the broker exited; see " + log);
            }
            try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
                return true;
            } catch (IOException e) {
                return false;
            }
        });
        return process;
    }

    private static long count(List<Answer> answers, int status) {
        return answers.stream().filter(a -> a.status() == status).count();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
