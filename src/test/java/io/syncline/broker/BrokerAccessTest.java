package io.syncline.broker;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.JMSSecurityException;
import jakarta.jms.Message;
import jakarta.jms.MessageProducer;
import jakarta.jms.ObjectMessage;
import jakarta.jms.Session;

import org.apache.activemq.artemis.api.core.ActiveMQSecurityException;
import org.apache.activemq.artemis.api.core.client.ActiveMQClient;
import org.apache.activemq.artemis.api.core.client.ClientMessage;
import org.apache.activemq.artemis.api.core.client.ClientProducer;
import org.apache.activemq.artemis.api.core.client.ClientSession;
import org.apache.activemq.artemis.api.core.client.ClientSessionFactory;
import org.apache.activemq.artemis.api.core.client.ServerLocator;
import org.apache.activemq.artemis.api.core.management.ManagementHelper;
import org.apache.activemq.artemis.api.core.management.ResourceNames;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.syncline.support.DataDirResource;
import io.syncline.support.Examples;
import io.syncline.support.SyncData;

/**
 * The embedded broker's acceptor as a source system and a stranger meet it, through a plain JMS client (and Artemis's
 * core management client) over TCP: who gets in, what a source user may do, and what an ObjectMessage becomes.
 */
@QuarkusTest
@TestProfile(BrokerAccessTest.SourcesAndPeers.class)
class BrokerAccessTest {

    static final String FLOW = "financial-portfolio-trades";
    static final String SOURCE = "trading-platform";
    static final String SOURCE_PASSWORD = "trades-only-4b1e";
    static final String PEER = "syncline-b";
    static final String PEER_PASSWORD = "second-instance-77c0";
    static final String DEAD_LETTERS = "sync.dead-letters";
    private static final AtomicLong TRADES = new AtomicLong(System.currentTimeMillis());

    public static class SourcesAndPeers implements QuarkusTestProfile {
        static final int PORT = freePort();

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "sync.broker.acceptor", "tcp://127.0.0.1:" + PORT + "?protocols=CORE",
                    "sync.broker.users." + SOURCE + ".password-hash", BrokerSecurity.hash(SOURCE, SOURCE_PASSWORD),
                    "sync.broker.users." + SOURCE + ".send-to", FLOW,
                    "sync.broker.users." + PEER + ".password-hash", BrokerSecurity.hash(PEER, PEER_PASSWORD),
                    "sync.broker.users." + PEER + ".instance", "true");
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(DataDirResource.class, Map.of("name", "broker-access")));
        }
    }

    @Test
    void anonymousWrongPasswordUnknownUserAndArtemisClusterDefaultsAreRefused() {
        assertRefused(() -> connect(null, null).close());
        assertRefused(() -> connect(SOURCE, "not-the-password").close());
        // the stored hash is not the password
        assertRefused(() -> connect(SOURCE, BrokerSecurity.hash(SOURCE, SOURCE_PASSWORD)).close());
        assertRefused(() -> connect("someone", SOURCE_PASSWORD).close());
        // Artemis's cluster user may do anything; its default password must not open this broker
        JMSException cluster = assertThrows(JMSException.class, () -> connect("ACTIVEMQ.CLUSTER.ADMIN.USER", "CHANGE ME!!").close());
        assertTrue(cluster.getMessage().contains("Unable to authenticate cluster user"), cluster.getMessage());
    }

    @Test
    void aSourceUserSendsToItsFlowQueueAndTheRecordIsDelivered() throws Exception {
        String trade = newTradeId();
        try (Connection connection = connect(SOURCE, SOURCE_PASSWORD)) {
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            session.createProducer(session.createQueue(BrokerSecurity.queue(FLOW))).send(session.createTextMessage(trade(trade)));
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> SyncData.outboxWithKeyPrefix(FLOW, trade).size() == 1);
    }

    @Test
    void aSourceUserMayNotSendElsewhereNorReadConsumePurgeOrDeleteAnything() throws Exception {
        String rejected = sendAsSource("{\"tradeId\":\"not a trade\"}");
        await().atMost(Duration.ofSeconds(30)).until(() -> deadLetterOf(rejected) != null);

        try (Connection connection = connect(SOURCE, SOURCE_PASSWORD)) {
            connection.start();
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            String valid = trade(newTradeId());
            // another flow's queue, the dead letters (a forged dead letter), an address of its own making
            for (String queue : List.of("sync.insurance-claims.in", DEAD_LETTERS, "sync.anything.in")) {
                assertRefused(() -> session.createProducer(session.createQueue(queue)).send(session.createTextMessage(valid)));
            }
            // taking records off its own queue, or reading the dead letters in any way
            assertRefused(() -> session.createConsumer(session.createQueue(BrokerSecurity.queue(FLOW))));
            assertRefused(() -> session.createConsumer(session.createQueue(DEAD_LETTERS)));
            assertRefused(() -> session.createBrowser(session.createQueue(DEAD_LETTERS)).getEnumeration().hasMoreElements());
        }
        // purging or deleting the dead-letter queue through Artemis's management and core API
        assertManagementRefused(SOURCE, SOURCE_PASSWORD);
        // another Syncline instance reads the dead letters (as Syncline does) but may not purge or delete either
        try (Connection connection = connect(PEER, PEER_PASSWORD)) {
            connection.start();
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            assertTrue(session.createBrowser(session.createQueue(DEAD_LETTERS)).getEnumeration().hasMoreElements());
        }
        assertManagementRefused(PEER, PEER_PASSWORD);

        JsonNode letter = deadLetterOf(rejected);
        assertEquals("validation", letter.path("category").asText(), letter.toString());
    }

    @Test
    void anObjectMessageIsDeadLetteredWithItsBytesAndNeverDeserialized() throws Exception {
        assertNull(System.getProperty(Tripwire.TRACE), "the trap went off before the test");
        byte[] hostile = tripwireBytes();
        String messageId;
        try (Connection connection = connect(SOURCE, SOURCE_PASSWORD)) {
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer producer = session.createProducer(session.createQueue(BrokerSecurity.queue(FLOW)));
            ObjectMessage message = session.createObjectMessage();
            // the bytes as an ObjectMessage carries them, without ever creating a Tripwire on this side either
            java.lang.reflect.Field data = message.getClass().getDeclaredField("data");
            data.setAccessible(true);
            data.set(message, hostile);
            producer.send(message);
            messageId = message.getJMSMessageID();
        }
        // the flow goes on: a record sent after it is delivered
        String after = newTradeId();
        sendAsSource(trade(after));
        await().atMost(Duration.ofSeconds(30)).until(() -> SyncData.outboxWithKeyPrefix(FLOW, after).size() == 1);

        JsonNode letter = await().atMost(Duration.ofSeconds(30)).until(() -> deadLetterOf(messageId), l -> l != null);
        assertEquals("validation", letter.path("category").asText(), letter.toString());
        assertEquals("java-serialized-base64", letter.path("payloadFormat").asText(), letter.toString());
        String why = letter.path("fieldErrors").get(0).path("message").asText();
        assertTrue(why.contains("ObjectMessage") && why.contains("never deserialized"), why);
        String id = letter.path("id").asText();
        String payload = given().get("/api/dead-letters/" + id).then().statusCode(200).extract().path("payload");
        assertArrayEquals(hostile, Base64.getDecoder().decode(payload), "the bytes are kept as sent");
        // nothing to replay: it stays where it is
        given().post("/api/dead-letters/" + id + "/replay").then().statusCode(409).body(containsString("never deserialized"));
        given().get("/api/dead-letters/" + id).then().statusCode(200);

        assertNull(System.getProperty(Tripwire.TRACE), "Syncline deserialized the object or initialized its class");
    }

    /** Harmless's serialized form with its class renamed to Tripwire: what a hostile source would send. */
    private static byte[] tripwireBytes() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ObjectOutputStream objects = new ObjectOutputStream(out)) {
            objects.writeObject(new Harmless());
        }
        String bytes = out.toString(StandardCharsets.ISO_8859_1);
        String renamed = bytes.replace(Harmless.class.getName(), "io.syncline.broker.Tripwire");
        assertEquals(bytes.length(), renamed.length());
        return renamed.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static void assertManagementRefused(String user, String password) throws Exception {
        try (ServerLocator locator = ActiveMQClient.createServerLocator(url());
                ClientSessionFactory factory = locator.createSessionFactory();
                ClientSession session = factory.createSession(user, password, false, true, true, false, 1)) {
            ClientMessage purge = session.createMessage(true);
            ManagementHelper.putOperationInvocation(purge, ResourceNames.QUEUE + DEAD_LETTERS, "removeAllMessages");
            try (ClientProducer producer = session.createProducer("activemq.management")) {
                assertThrows(ActiveMQSecurityException.class, () -> producer.send(purge), user + " purged the dead letters");
            }
            assertThrows(ActiveMQSecurityException.class, () -> session.deleteQueue(DEAD_LETTERS), user + " deleted the dead letters");
        }
    }

    private static String sendAsSource(String body) throws JMSException {
        try (Connection connection = connect(SOURCE, SOURCE_PASSWORD)) {
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Message message = session.createTextMessage(body);
            session.createProducer(session.createQueue(BrokerSecurity.queue(FLOW))).send(message);
            return message.getJMSMessageID();
        }
    }

    private static JsonNode deadLetterOf(String eventId) {
        return SyncData.deadLetters(FLOW).stream().filter(d -> eventId.equals(d.path("eventId").asText())).findFirst().orElse(null);
    }

    /** A plain JMS client's connection through the acceptor (closing it closes its factory's connection too). */
    private static Connection connect(String user, String password) throws JMSException {
        ActiveMQConnectionFactory factory = new ActiveMQConnectionFactory(url());
        factory.setReconnectAttempts(0);
        return user == null ? factory.createConnection() : factory.createConnection(user, password);
    }

    private static String url() {
        return ConfigProvider.getConfig().getValue("sync.broker.acceptor", String.class);
    }

    private interface BrokerCall {
        void run() throws Exception;
    }

    private static void assertRefused(BrokerCall call) {
        Exception refused = assertThrows(Exception.class, call::run);
        assertTrue(refused instanceof JMSSecurityException || refused instanceof ActiveMQSecurityException
                || refused.getCause() instanceof ActiveMQSecurityException, "not a security refusal: " + refused);
    }

    private static String newTradeId() {
        return "TRD-" + TRADES.incrementAndGet();
    }

    private static String trade(String tradeId) {
        return Examples.compact(FLOW, "valid.json").replace("TRD-2026112700418", tradeId);
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
