package io.syncline.security;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.ValidatableResponse;
import io.syncline.support.EmbeddedDefaults;

/** The dashboard cannot be framed by another site, sniffed or kept as immutable; the API answers the same way. */
@QuarkusTest
@TestProfile(EmbeddedDefaults.class)
class BrowserHeadersTest {

    @Test
    void theDashboardIsNotFramedSniffedOrCachedAsImmutable() {
        hardened(given().get("/").then().statusCode(200))
                .header("Cache-Control", not(containsString("immutable")))
                .header("Cache-Control", containsString("no-cache"));
    }

    @Test
    void theApiAndTheWebhooksAnswerWithTheSameHeaders() {
        hardened(given().get("/api/flows").then().statusCode(200));
        hardened(given().auth().none().get("/api/flows").then().statusCode(401));
        hardened(given().contentType("text/plain").body("x").post("/webhooks/insurance-claims").then().statusCode(415));
    }

    private static ValidatableResponse hardened(ValidatableResponse response) {
        return response.header("X-Frame-Options", equalTo("DENY"))
                .header("X-Content-Type-Options", equalTo("nosniff"))
                .header("Content-Security-Policy", containsString("frame-ancestors 'none'"))
                .header("Content-Security-Policy", containsString("default-src 'none'"));
    }
}
