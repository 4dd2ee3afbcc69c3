package io.syncline.freshness;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

import jakarta.inject.Inject;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSContext;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.syncline.support.Chromium;
import io.syncline.support.Claims;
import io.syncline.support.Users;
import io.syncline.support.Watched;

/**
 * The sync-health dashboard, in headless Chromium: it asks who you are, shows a stale flow as stale and a healthy
 * one as healthy, shows dead letters with personal data masked, and offers actions to an operator only.
 */
@QuarkusTest
@TestProfile(Watched.class)
class DashboardTest {

    static final Duration WAIT = Duration.ofSeconds(40);

    @TestHTTPResource("/")
    URL dashboard;

    @Inject
    ConnectionFactory connectionFactory;

    @Test
    void aViewerSeesStaleAndHealthyFlowsAndMaskedDeadLettersButNoActions() throws Exception {
        given().contentType("application/json")
                .body(Claims.valid(Claims.newClaimNumber()).replace("2026-11-27T09:14:00Z", Instant.now().toString()))
                .post("/webhooks/insurance-claims").then().statusCode(202);
        // a claim without its policy number reaches the dead letters with the claimant's name and e-mail in it
        String refused = Claims.newClaimNumber();
        sendToQueue("insurance-claims", Claims.valid(refused).replace("\"policyNumber\":\"AUT-4410023\",", ""));

        try (Chromium browser = Chromium.start()) {
            browser.open(dashboard.toString());
            await().atMost(WAIT).until(() -> "false".equals(browser.script("return String(document.getElementById('signin').hidden)")));
            assertEquals("true", browser.script("return String(document.getElementById('signed-in').hidden)"));

            signIn(browser, Users.VIEWER, "wrong");
            await().atMost(WAIT).until(() -> !browser.script("return document.getElementById('signin-error').textContent").isEmpty());
            signIn(browser, Users.VIEWER, Users.VIEWER_PASSWORD);
            await().atMost(WAIT).until(() -> "false".equals(browser.script("return String(document.getElementById('signed-in').hidden)")));
            assertEquals("vera", browser.script("return document.getElementById('user').textContent"));

            // the page refreshes itself: no reload, just wait for what it shows
            await().atMost(WAIT).pollInterval(Duration.ofMillis(500)).until(
                    () -> "stale".equals(state(browser, "financial-monthly-statements"))
                            && "healthy".equals(state(browser, "insurance-claims")));
            assertTrue(browser.script("return document.querySelector('tr[data-flow=\"financial-monthly-statements\"] .reason').textContent")
                    .startsWith("no data since"));
            assertEquals("15", browser.script("return String(document.querySelectorAll('#flows tr').length)"));

            String letter = await().atMost(WAIT).pollInterval(Duration.ofMillis(500)).until(() -> browser.script(
                    "const row = [...document.querySelectorAll('#dead-letters tr')].find(r => r.textContent.includes('" + refused + "'));"
                            + " return row ? row.textContent : ''"), text -> !text.isEmpty());
            assertTrue(letter.contains("/policyNumber") || letter.contains("policyNumber"), letter);
            assertTrue(letter.contains("***"), letter);
            assertFalse(letter.contains("Jane Doe") || letter.contains("jane@example.com"), letter);
            assertFalse(browser.script("return document.body.innerText").contains("Jane Doe"));

            assertEquals("0", browser.script("return String(document.querySelectorAll('button[data-action]').length)"));
            browser.screenshot(Path.of("target", "dashboard.png"));
        }
    }

    @Test
    void durationsReadAsWordsBesideTheirLimitsWithALagChartAndDeadLettersPageByFlowAndCategory() throws Exception {
        // a claim reported 90 s ago: a lag of about a minute and a half, against insurance-claims' max-lag of 1 h
        given().contentType("application/json")
                .body(Claims.valid(Claims.newClaimNumber()).replace("2026-11-27T09:14:00Z", Instant.now().minusSeconds(90).toString()))
                .post("/webhooks/insurance-claims").then().statusCode(202);
        String flow = "manufacturing-inventory-levels";
        for (int i = 0; i < 6; i++) {
            sendToQueue(flow, "not a record " + i);
        }
        await().atMost(WAIT).until(() -> Users.asViewer().get("/api/dead-letters?flow=" + flow).jsonPath().getInt("total") == 6);

        try (Chromium browser = Chromium.start()) {
            browser.open(dashboard.toString());
            await().atMost(WAIT).until(() -> "false".equals(browser.script("return String(document.getElementById('signin').hidden)")));
            signIn(browser, Users.VIEWER, Users.VIEWER_PASSWORD);
            String claimsRow = "document.querySelector('tr[data-flow=\"insurance-claims\"]')";
            await().atMost(WAIT).pollInterval(Duration.ofMillis(500)).until(() -> browser.script(
                    "const row = " + claimsRow + "; return row ? row.querySelector('.lag').textContent : ''").matches("1 min \\d+ smax 1 h"));
            assertEquals("1", browser.script("return String(" + claimsRow + ".querySelectorAll('svg.lag-chart polyline').length)"));
            assertEquals("max silence 2 s", browser.script(
                    "return document.querySelector('tr[data-flow=\"financial-monthly-statements\"] .last-delivery .limit').textContent"));
            assertTrue(browser.script("return document.querySelector('tr[data-flow=\"insurance-claims\"] .last-delivery .limit').textContent")
                    .startsWith("expects data every 2 h, MON-FRI 08:00-20:00 Europe/Berlin"));
            // nothing in the flows and dead letters reads like PT81H24M22.498S (the assessment panel quotes declared
            // answers as they are written, decision-tempo=PT15M)
            assertFalse(browser.script("return document.getElementById('flows').innerText + ' '"
                    + " + document.getElementById('dead-letters').innerText").matches("(?s).*\\bPT?\\d.*"));
            String headers = browser.script("return [...document.querySelectorAll('th')].map(th => th.textContent).join('|')");
            assertTrue(headers.contains("Sent to dead letters") && headers.contains("Dead letters waiting"), headers);
            assertFalse(headers.contains("Dead-lettered"), headers);

            browser.script("const page = document.getElementById('dl-page-size'); page.value = '5';"
                    + " const flow = document.getElementById('dl-flow'); flow.value = '" + flow + "';"
                    + " flow.dispatchEvent(new Event('change')); return ''");
            await().atMost(WAIT).pollInterval(Duration.ofMillis(300)).until(() -> "1–5 of 6".equals(range(browser)));
            assertEquals("5", browser.script("return String([...document.querySelectorAll('#dead-letters tr .flow')]"
                    + ".filter(td => td.textContent.startsWith('" + flow + "')).length)"));
            assertEquals("5", browser.script("return String(document.querySelectorAll('#dead-letters tr').length)"));
            browser.script("document.getElementById('dl-next').click(); return ''");
            await().atMost(WAIT).pollInterval(Duration.ofMillis(300)).until(() -> "6–6 of 6".equals(range(browser)));
            assertEquals("true", browser.script("return String(document.getElementById('dl-next').disabled)"));

            browser.script("const c = document.getElementById('dl-category'); c.value = 'target-permanent';"
                    + " c.dispatchEvent(new Event('change')); return ''");
            await().atMost(WAIT).pollInterval(Duration.ofMillis(300)).until(() -> "none".equals(range(browser)));
            browser.screenshot(Path.of("target", "dashboard-dead-letters.png"));
        }
    }

    private static String range(Chromium browser) throws Exception {
        return browser.script("return document.getElementById('dl-range').textContent");
    }

    @Test
    void anOperatorPausesAndResumesAFlowFromTheDashboard() throws Exception {
        String flow = "retail-loyalty-tiers";
        try (Chromium browser = Chromium.start()) {
            browser.open(dashboard.toString());
            await().atMost(WAIT).until(() -> "false".equals(browser.script("return String(document.getElementById('signin').hidden)")));
            signIn(browser, Users.OPERATOR, Users.OPERATOR_PASSWORD);
            await().atMost(WAIT).until(() -> !state(browser, flow).isEmpty());

            click(browser, flow, "pause");
            await().atMost(WAIT).until(() -> "paused".equals(state(browser, flow)));
            Users.asViewer().get("/api/flows/" + flow).then().statusCode(200).body("state", org.hamcrest.Matchers.equalTo("paused"));

            click(browser, flow, "resume");
            await().atMost(WAIT).until(() -> !"paused".equals(state(browser, flow)) && !state(browser, flow).isEmpty());
            Users.asViewer().get("/api/flows/" + flow).then().statusCode(200)
                    .body("state", org.hamcrest.Matchers.not(org.hamcrest.Matchers.equalTo("paused")));
        } finally {
            Users.asOperator().post("/api/flows/" + flow + "/resume");
        }
    }

    private static void signIn(Chromium browser, String user, String password) throws Exception {
        browser.script("document.getElementById('username').value = '" + user + "';"
                + " document.getElementById('password').value = '" + password + "';"
                + " document.getElementById('signin-button').click(); return ''");
    }

    private static void click(Chromium browser, String flow, String action) throws Exception {
        assertEquals("clicked", browser.script("const b = document.querySelector('tr[data-flow=\"" + flow
                + "\"] button[data-action=\"" + action + "\"]'); if (!b) return 'no button'; b.click(); return 'clicked'"));
    }

    private static String state(Chromium browser, String flow) throws Exception {
        return browser.script("const row = document.querySelector('tr[data-flow=\"" + flow + "\"]'); return row ? row.dataset.state : ''");
    }

    private void sendToQueue(String flow, String body) {
        try (JMSContext context = connectionFactory.createContext()) {
            context.createProducer().send(context.createQueue("sync." + flow + ".in"), context.createTextMessage(body));
        }
    }
}
