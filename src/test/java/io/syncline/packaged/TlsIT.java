package io.syncline.packaged;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.syncline.support.Claims;
import io.syncline.support.DataDirResource;
import io.syncline.support.Users;

/**
 * The README's TLS settings, as written there: HTTPS on the webhook port (TLS registry, PKCS12 key store) and TLS
 * from Syncline to an external Artemis broker (instance A runs the broker with a TLS acceptor, instance B trusts it).
 */
class TlsIT {

    static final Path WORK = Path.of("target", "it-data", "tls").toAbsolutePath();
    static final String STORE_PASSWORD = "store-secret";

    @Test
    void webhooksOverHttpsReachTheTargetThroughATlsBrokerLink() throws Exception {
        DataDirResource.deleteRecursively(WORK);
        Files.createDirectories(WORK);
        Path keyStore = WORK.resolve("syncline.p12");
        Path trustStore = WORK.resolve("trust.p12");
        keytool("-genkeypair", "-alias", "syncline", "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=localhost",
                "-ext", "san=dns:localhost", "-validity", "2", "-storetype", "PKCS12", "-keystore", keyStore.toString(),
                "-storepass", STORE_PASSWORD);
        keytool("-exportcert", "-rfc", "-alias", "syncline", "-keystore", keyStore.toString(), "-storepass", STORE_PASSWORD,
                "-file", WORK.resolve("syncline.crt").toString());
        keytool("-importcert", "-noprompt", "-alias", "syncline", "-file", WORK.resolve("syncline.crt").toString(),
                "-storetype", "PKCS12", "-keystore", trustStore.toString(), "-storepass", STORE_PASSWORD);
        int brokerPort = PackagedApp.freePort();
        int httpsPort = PackagedApp.freePort();

        // the README's acceptor: every address, TLS, and a user for the other instance
        try (PackagedApp a = PackagedApp.start(WORK.resolve("a"), Map.of("sync.broker.acceptor", "tcp://0.0.0.0:" + brokerPort
                + "?protocols=CORE&sslEnabled=true&keyStorePath=" + keyStore + "&keyStorePassword=" + STORE_PASSWORD,
                "sync.broker.users.syncline-b.password-hash", Users.hash("syncline-b", "b-over-tls"),
                "sync.broker.users.syncline-b.instance", "true"),
                WORK.resolve("a.log"));
                PackagedApp b = PackagedApp.start(WORK.resolve("b"), Map.of(
                        "sync.broker.embedded", "false",
                        "quarkus.artemis.url", "tcp://localhost:" + brokerPort + "?sslEnabled=true&verifyHost=true&trustStorePath="
                                + trustStore + "&trustStorePassword=" + STORE_PASSWORD,
                        "quarkus.artemis.username", "syncline-b",
                        "quarkus.artemis.password", "b-over-tls",
                        "quarkus.http.ssl-port", String.valueOf(httpsPort),
                        "quarkus.tls.key-store.p12.path", keyStore.toString(),
                        "quarkus.tls.key-store.p12.password", STORE_PASSWORD), WORK.resolve("b.log"))) {
            // the readiness check names the broker but not the store password
            String ready = b.get("/q/health/ready").body();
            assertTrue(ready.contains("sslEnabled=true") && ready.contains("trustStorePassword=***"), ready);
            assertTrue(!ready.contains(STORE_PASSWORD), ready);

            HttpClient https = HttpClient.newBuilder().sslContext(trusting(trustStore)).build();
            List<String> claims = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                String claim = Claims.newClaimNumber();
                claims.add(claim);
                HttpResponse<String> answer = https.send(HttpRequest.newBuilder(URI.create("https://localhost:" + httpsPort
                        + "/webhooks/insurance-claims")).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(Claims.valid(claim))).build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(202, answer.statusCode(), answer.body());
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> Outbox.keyCounts(WORK.resolve("a/outbox/insurance-claims"),
                    WORK.resolve("b/outbox/insurance-claims")).keySet().containsAll(claims));

            // a client that does not trust the certificate gets no connection
            HttpClient untrusting = HttpClient.newHttpClient();
            try {
                untrusting.send(HttpRequest.newBuilder(URI.create("https://localhost:" + httpsPort + "/q/health/live")).build(),
                        HttpResponse.BodyHandlers.discarding());
                throw new AssertionError("an untrusted certificate was accepted");
            } catch (SSLHandshakeException expected) {
                assertTrue(new ObjectMapper().readTree(b.get("/q/health/live").body()).path("status").asText().equals("UP"));
            }
        }
    }

    private static SSLContext trusting(Path trustStore) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(trustStore)) {
            store.load(in, STORE_PASSWORD.toCharArray());
        }
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(store);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return context;
    }

    private static void keytool(String... arguments) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString()));
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(WORK.resolve("keytool.log").toFile()).start();
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "keytool did not finish");
        assertEquals(0, process.exitValue(), "keytool " + String.join(" ", arguments) + "; see " + WORK.resolve("keytool.log"));
    }
}
