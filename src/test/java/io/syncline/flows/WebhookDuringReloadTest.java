package io.syncline.flows;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.syncline.support.Claims;
import io.syncline.support.DataDirResource;
import io.syncline.support.FlowCopies;
import io.syncline.support.SyncData;

/**
 * A webhook whose body is still arriving when an edit of its flow's route.yaml reloads the flow: the reload waits for
 * it, and it is answered 202 and delivered, not refused by the old route's consumer stopping under it (platform-http
 * answered such a request a bare 503 once its body was read). Requests that arrive while the reload waits are answered
 * the 503 flow-reloading problem.
 */
@QuarkusTest
@TestProfile(WebhookDuringReloadTest.ClaimsFromAFolder.class)
class WebhookDuringReloadTest {

    static final String FLOW = "insurance-claims";
    static final Duration WAIT = Duration.ofSeconds(30);
    static final Path FLOWS = Path.of("target", "test-flows", "webhook-reload").toAbsolutePath();

    /** The claims flow from a flow folder (a copy of the built-in one), looked at every 200 ms. */
    public static class ClaimsFromAFolder implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("sync.flows-dir", claimsFolder().toString(), "sync.flows-reload-interval", "200ms");
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(DataDirResource.class, Map.of("name", "webhook-reload")));
        }
    }

    static Path claimsFolder() {
        return FlowCopies.builtIn(FLOW, "webhook-reload", (file, text) -> text);
    }

    @Test
    void aWebhookStillArrivingWhenItsFlowReloadsIsAnsweredAndDelivered() throws Exception {
        String claim = Claims.newClaimNumber();
        byte[] body = Claims.valid(claim).getBytes(StandardCharsets.UTF_8);
        int half = body.length / 2;
        try (Socket socket = new Socket("127.0.0.1", RestAssured.port)) {
            OutputStream out = socket.getOutputStream();
            out.write(("POST /webhooks/" + FLOW + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(body, 0, half);
            out.flush();

            Path route = FLOWS.resolve(FLOW).resolve("route.yaml");
            Files.writeString(route, Files.readString(route) + "\n# edited while a webhook is on its way\n");
            // the reload has begun, and waits: other requests are answered that it is under way
            await("the reload answers other requests 503 flow-reloading").atMost(WAIT).pollInterval(Duration.ofMillis(20))
                    .until(() -> given().contentType("application/json").body(Claims.valid(Claims.newClaimNumber()))
                            .post("/webhooks/" + FLOW).then().extract().asString().contains("flow-reloading"));

            out.write(body, half, body.length - half);
            out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
            assertEquals("HTTP/1.1 202 Accepted", in.readLine(), "the answer to the webhook on its way");
        }
        await().atMost(WAIT).until(() -> SyncData.outboxWithKeyPrefix(FLOW, claim).size() == 1);
    }
}
