package io.syncline.packaged;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
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
        Path dataDir = WORK.resolve("standalone");
        DataDirResource.deleteRecursively(dataDir);
        StandaloneArtemis broker = StandaloneArtemis.createAndStart(WORK);
        List<Answer> answers = new CopyOnWriteArrayList<>();
        AtomicBoolean posting = new AtomicBoolean(true);
        Map<String, String> settings = broker.syncSettings();
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

            broker.kill();
            long downAt = System.currentTimeMillis();
            await().atMost(Duration.ofSeconds(60)).until(() -> answers.stream().filter(a -> a.sentAt() > downAt && a.status() == 503).count() >= 5);
            long restartAt = System.currentTimeMillis();
            broker.start();
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
            broker.close();
        }
    }

    private static long count(List<Answer> answers, int status) {
        return answers.stream().filter(a -> a.status() == status).count();
    }
}
