package io.syncline.security;

import static org.hamcrest.Matchers.anyOf;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.equalToIgnoringCase;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.syncline.support.Claims;
import io.syncline.support.EmbeddedDefaults;
import io.syncline.support.Users;

/**
 * Who may do what on the operations API, with the embedded users of the test profile: nobody without a user, a
 * viewer reads, an operator acts. The probes, the wellness checks, the metrics and the webhooks stay open.
 */
@QuarkusTest
@TestProfile(EmbeddedDefaults.class)
class OperationsAccessTest {

    static final String FLOW = "retail-loyalty-tiers";

    @Test
    void withoutAUserEveryApiCallIs401AndNothingChanges() {
        for (String path : new String[] { "/api/flows", "/api/flows/" + FLOW, "/api/dead-letters", "/api/batch-runs", "/api/me" }) {
            Users.anonymous().get(path).then().statusCode(401).header("WWW-Authenticate", equalToIgnoringCase("basic"));
        }
        Users.anonymous().post("/api/flows/" + FLOW + "/pause").then().statusCode(401);
        Users.anonymous().post("/api/dead-letters/replay?flow=" + FLOW).then().statusCode(401);
        Users.anonymous().auth().preemptive().basic(Users.OPERATOR, "not-the-password")
                .post("/api/flows/" + FLOW + "/pause").then().statusCode(401);
        Users.asViewer().get("/api/flows/" + FLOW).then().statusCode(200).body("state", not(equalTo("paused")));
    }

    @Test
    void aViewerReadsButCannotPauseRunReplayOrDelete() {
        Users.asViewer().get("/api/me").then().statusCode(200)
                .body("name", equalTo(Users.VIEWER)).body("roles", contains("viewer"));
        Users.asViewer().get("/api/flows").then().statusCode(200);
        Users.asViewer().get("/api/dead-letters").then().statusCode(200);
        Users.asViewer().get("/api/batch-runs").then().statusCode(200);

        Users.asViewer().post("/api/flows/" + FLOW + "/pause").then().statusCode(403);
        Users.asViewer().post("/api/flows/insurance-actuarial-risk/run").then().statusCode(403);
        Users.asViewer().post("/api/dead-letters/replay?flow=" + FLOW).then().statusCode(403);
        Users.asViewer().delete("/api/dead-letters/ID:0").then().statusCode(403);
        Users.asViewer().get("/api/flows/" + FLOW).then().statusCode(200).body("state", not(equalTo("paused")));
    }

    @Test
    void anOperatorPausesAndResumes() {
        Users.asOperator().get("/api/me").then().statusCode(200).body("roles", contains("operator"));
        try {
            Users.asOperator().post("/api/flows/" + FLOW + "/pause").then().statusCode(200).body("state", equalTo("paused"));
        } finally {
            Users.asOperator().post("/api/flows/" + FLOW + "/resume").then().statusCode(200).body("state", not(equalTo("paused")));
        }
    }

    @Test
    void anActionABrowserSendsForAnotherSiteIsRefusedEvenWithAnOperatorsCredentials() {
        Users.asOperator().header("Sec-Fetch-Site", "cross-site").post("/api/flows/" + FLOW + "/pause").then().statusCode(403)
                .body("type", equalTo("urn:syncline:problem:cross-site"));
        Users.asOperator().header("Origin", "https://elsewhere.example").post("/api/flows/" + FLOW + "/pause").then().statusCode(403);
        Users.asOperator().header("Sec-Fetch-Site", "cross-site").delete("/api/dead-letters/ID:0").then().statusCode(403);
        Users.asViewer().get("/api/flows/" + FLOW).then().statusCode(200).body("state", not(equalTo("paused")));
        // reading is not an action; the dashboard's own requests are same-origin
        Users.asViewer().header("Sec-Fetch-Site", "cross-site").get("/api/flows/" + FLOW).then().statusCode(200);
        try {
            Users.asOperator().header("Sec-Fetch-Site", "same-origin").post("/api/flows/" + FLOW + "/pause").then().statusCode(200);
        } finally {
            Users.asOperator().post("/api/flows/" + FLOW + "/resume").then().statusCode(200);
        }
    }

    @Test
    void probesWellnessMetricsAndWebhooksNeedNoUserByDefault() {
        // open means answered: 200, or 503 when a check is DOWN (another test may have left a flow failing)
        for (String path : new String[] { "/q/health/live", "/q/health/ready", "/q/health/well", "/q/health" }) {
            Users.anonymous().get(path).then().statusCode(anyOf(is(200), is(503))).body("status", notNullValue());
        }
        Users.anonymous().get("/q/metrics").then().statusCode(200);
        // a sender's own Authorization header is not checked against Syncline's users: webhooks are signed instead
        Users.anonymous().header("Authorization", "Basic bm9ib2R5OnNlY3JldA==").contentType("application/json")
                .body(Claims.valid(Claims.newClaimNumber())).post("/webhooks/insurance-claims").then().statusCode(202);
    }
}
