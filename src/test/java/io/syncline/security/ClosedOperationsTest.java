package io.syncline.security;

import static org.hamcrest.Matchers.anyOf;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.notNullValue;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.specification.RequestSpecification;
import io.syncline.support.DataDirResource;
import io.syncline.support.OidcProvider;
import io.syncline.support.Users;

/**
 * A production-like setting: users come from an OIDC provider (bearer tokens, roles from the "groups" claim),
 * and the wellness checks, the metrics and the OpenAPI contract need a viewer. The probes stay open.
 */
@QuarkusTest
@TestProfile(ClosedOperationsTest.OidcAndClosedHealth.class)
class ClosedOperationsTest {

    public static class OidcAndClosedHealth implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("sync.security.health", "viewer", "sync.security.metrics", "viewer", "sync.security.openapi", "viewer");
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(DataDirResource.class, Map.of("name", "closed")),
                    new TestResourceEntry(OidcProvider.class));
        }
    }

    static final String FLOW = "retail-loyalty-tiers";

    @Test
    void wellnessMetricsAndTheContractNeedAViewerWhileTheProbesStayOpen() {
        Users.anonymous().get("/q/health/live").then().statusCode(200);
        Users.anonymous().get("/q/health/ready").then().statusCode(200);
        Users.anonymous().get("/q/health/well").then().statusCode(401);
        Users.anonymous().get("/q/health").then().statusCode(401);
        Users.anonymous().get("/q/metrics").then().statusCode(401);
        Users.anonymous().get("/q/openapi").then().statusCode(401);
        // the same document under its other names
        Users.anonymous().get("/q/openapi.json").then().statusCode(401);
        Users.anonymous().get("/q/openapi.yaml").then().statusCode(401);
        Users.anonymous().get("/q/openapi.yml").then().statusCode(401);
        Users.anonymous().get("/q/swagger-ui/").then().statusCode(401);
        Users.asViewer().get("/q/openapi").then().statusCode(200);
        Users.asViewer().get("/q/health/well").then().statusCode(anyOf(is(200), is(503))).body("status", notNullValue());
        bearer(OidcProvider.token("mona", List.of("viewer"), Duration.ofMinutes(5))).get("/q/metrics").then().statusCode(200);
    }

    @Test
    void anOperatorTokenActsAndAViewerTokenOnlyReads() {
        String operator = OidcProvider.token("olga", List.of("operator"), Duration.ofMinutes(5));
        bearer(operator).get("/api/me").then().statusCode(200).body("name", equalTo("olga")).body("roles", contains("operator"));
        try {
            bearer(operator).post("/api/flows/" + FLOW + "/pause").then().statusCode(200).body("state", equalTo("paused"));
        } finally {
            bearer(operator).post("/api/flows/" + FLOW + "/resume").then().statusCode(200);
        }

        String viewer = OidcProvider.token("mona", List.of("viewer"), Duration.ofMinutes(5));
        bearer(viewer).get("/api/flows").then().statusCode(200);
        bearer(viewer).post("/api/flows/" + FLOW + "/pause").then().statusCode(403);

        String neither = OidcProvider.token("nina", List.of("marketing"), Duration.ofMinutes(5));
        bearer(neither).get("/api/flows").then().statusCode(403);
    }

    @Test
    void aForgedOrExpiredTokenIs401() {
        bearer(OidcProvider.forgedToken("olga", List.of("operator"))).get("/api/flows").then().statusCode(401);
        bearer(OidcProvider.token("olga", List.of("operator"), Duration.ofMinutes(-10))).get("/api/flows").then().statusCode(401);
        bearer("not-a-token").get("/api/flows").then().statusCode(401);
    }

    private static RequestSpecification bearer(String token) {
        return Users.anonymous().header("Authorization", "Bearer " + token);
    }
}
