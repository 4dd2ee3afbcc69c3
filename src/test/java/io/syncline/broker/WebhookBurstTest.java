package io.syncline.broker;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import javax.management.MBeanServer;
import javax.management.ObjectName;

import jakarta.inject.Inject;

import org.apache.activemq.artemis.api.core.Message;
import org.apache.activemq.artemis.core.server.ServerSession;
import org.apache.activemq.artemis.core.server.plugin.ActiveMQServerMessagePlugin;
import org.apache.activemq.artemis.core.transaction.Transaction;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.syncline.support.Claims;
import io.syncline.support.EmbeddedDefaults;
import io.syncline.support.SyncData;

/**
 * Webhook requests that reach the broker at the same moment, more of them than a small pool of sessions holds. Each
 * durable send borrows a session of the webhooks' connection factory; one the factory could not keep was closed after
 * its single send and a new one opened for the next request, two blocking round trips to the broker just when
 * requests pile up. In the benchmark that churn was the accept path's largest wait (docs/benchmarks.md, session 18).
 * The broker holds every send of the burst until all of them have arrived, so they are concurrent whatever the
 * machine's speed; its own counters (what an operator sees over JMX) tell whether a session was closed.
 */
@QuarkusTest
@TestProfile(EmbeddedDefaults.class)
class WebhookBurstTest {

    static final String FLOW = "insurance-claims";
    /**
     * More than the 20 sessions the webhooks' factory used to keep, fewer than the 30 threads of the broker's pool
     * (Artemis' thread-pool-max-size): a held send holds one of them.
     */
    static final int AT_ONCE = 26;

    @Inject
    EmbeddedBroker broker;

    @Test
    void sendsHeldTogetherAtTheBrokerCloseNoSessionAndEveryClaimIsDelivered() throws Exception {
        MBeanServer jmx = ManagementFactory.getPlatformMBeanServer();
        ObjectName server = new ObjectName("org.apache.activemq.artemis:broker=\"syncline\"");
        // the first burst opens the sessions it needs; from then on none may be closed and opened again
        burst(claimNumbers(AT_ONCE));
        long closedBefore = closedSessions(jmx, server);

        List<String> claimNumbers = claimNumbers(AT_ONCE);
        HeldSends held = burst(claimNumbers);

        assertEquals(0, held.arrivals.getCount(), "the broker saw only " + (AT_ONCE - held.arrivals.getCount())
                + " of the burst's sends at once: the burst did not test what it is for");
        assertEquals(closedBefore, closedSessions(jmx, server),
                "broker sessions were closed while " + AT_ONCE + " webhook requests were sending at once");
        for (String claimNumber : claimNumbers) {
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> SyncData.outboxWithKeyPrefix(FLOW, claimNumber), list -> list.size() == 1);
        }
    }

    private static List<String> claimNumbers(int count) {
        List<String> claimNumbers = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            claimNumbers.add(Claims.newClaimNumber());
        }
        return claimNumbers;
    }

    /** Sessions the broker has opened and closed since it started. */
    private static long closedSessions(MBeanServer jmx, ObjectName server) throws Exception {
        long total = ((Number) jmx.getAttribute(server, "TotalSessionCount")).longValue();
        long open = ((Number) jmx.getAttribute(server, "SessionCount")).longValue();
        return total - open;
    }

    /** Each claim posted from its own thread, the broker holding the sends until all have arrived; each answered 202. */
    private HeldSends burst(List<String> claimNumbers) throws Exception {
        HeldSends held = new HeldSends("sync." + FLOW + ".in", claimNumbers.size(), Duration.ofSeconds(5));
        broker.activeServer().registerBrokerPlugin(held);
        ExecutorService senders = Executors.newFixedThreadPool(claimNumbers.size());
        try {
            List<Future<Integer>> answers = new ArrayList<>();
            for (String claimNumber : claimNumbers) {
                answers.add(senders.submit(() -> given().contentType("application/json").body(Claims.valid(claimNumber))
                        .post("/webhooks/" + FLOW).statusCode()));
            }
            for (Future<Integer> answer : answers) {
                assertEquals(202, answer.get());
            }
        } finally {
            broker.activeServer().unRegisterBrokerPlugin(held);
            senders.shutdownNow();
        }
        return held;
    }

    /** Holds each send to one address until as many as expected are waiting, or until a deadline for all of them. */
    static final class HeldSends implements ActiveMQServerMessagePlugin {

        final CountDownLatch arrivals;
        private final String address;
        private final long deadline;

        HeldSends(String address, int expected, Duration atMost) {
            this.address = address;
            this.arrivals = new CountDownLatch(expected);
            this.deadline = System.nanoTime() + atMost.toNanos();
        }

        @Override
        public void beforeSend(ServerSession session, Transaction tx, Message message, boolean direct,
                boolean noAutoCreateQueue) {
            if (!address.equals(message.getAddress())) {
                return;
            }
            arrivals.countDown();
            try {
                arrivals.await(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
