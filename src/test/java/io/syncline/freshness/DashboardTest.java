package io.syncline.freshness;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.syncline.support.Chromium;
import io.syncline.support.Claims;
import io.syncline.support.Watched;

/** The sync-health dashboard, in headless Chromium: a stale flow shows as stale, a healthy one as healthy. */
@QuarkusTest
@TestProfile(Watched.class)
class DashboardTest {

    @TestHTTPResource("/")
    URL dashboard;

    @Test
    void theDashboardShowsAStaleFlowAsStaleAndAHealthyOneAsHealthy() throws Exception {
        given().contentType("application/json")
                .body(Claims.valid(Claims.newClaimNumber()).replace("2026-11-27T09:14:00Z", Instant.now().toString()))
                .post("/webhooks/insurance-claims").then().statusCode(202);

        try (Chromium browser = Chromium.start()) {
            browser.open(dashboard.toString());
            // the page refreshes itself: no reload, just wait for what it shows
            await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(500)).until(
                    () -> "stale".equals(state(browser, "financial-monthly-statements"))
                            && "healthy".equals(state(browser, "insurance-claims")));
            assertEquals("stale", browser.script(
                    "return document.querySelector('tr[data-flow=\"financial-monthly-statements\"] .state').textContent"));
            assertTrue(browser.script("return document.querySelector('tr[data-flow=\"financial-monthly-statements\"] .reason').textContent")
                    .startsWith("no data since"));
            assertEquals("15", browser.script("return String(document.querySelectorAll('#flows tr').length)"));
            browser.screenshot(Path.of("target", "dashboard.png"));
        }
    }

    private static String state(Chromium browser, String flow) throws Exception {
        return browser.script("const row = document.querySelector('tr[data-flow=\"" + flow + "\"]'); return row ? row.dataset.state : ''");
    }
}
