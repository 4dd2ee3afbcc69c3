package io.syncline.intake;

import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.syncline.support.PullSource;
import io.syncline.support.SyncData;
import io.syncline.support.WireMockResource;

@QuarkusTest
@TestProfile(PullSource.class)
class PullIntakeTest {

    static final String FLOW = PullSource.FLOW;
    static final String PATH = "/source/items";

    /** Where the saved cursor is read from, by this instance or any other sharing the state store. */
    @jakarta.inject.Inject
    CursorStore cursors;

    @Test
    void pagesAreFollowedFromTheSavedCursorAndNothingIsTakenTwice() throws Exception {
        WireMockServer source = WireMockResource.server();
        source.stubFor(get(urlPathEqualTo(PATH)).withQueryParam("cursor", absent()).withQueryParam("limit", equalTo("2"))
                .willReturn(okJson("""
                        {"items":[{"itemId":"ITEM-1","updatedAt":"2026-11-28T08:00:00Z","quantity":5},
                                  {"itemId":"ITEM-2","updatedAt":"2026-11-28T08:01:00Z","quantity":-1}],
                         "nextCursor":"c1"}""")));
        source.stubFor(get(urlPathEqualTo(PATH)).withQueryParam("cursor", equalTo("c1"))
                .willReturn(okJson("""
                        {"items":[{"itemId":"ITEM-3","updatedAt":"2026-11-28T08:02:00Z","quantity":7}],
                         "nextCursor":"c2"}""")));
        source.stubFor(get(urlPathEqualTo(PATH)).withQueryParam("cursor", equalTo("c2"))
                .willReturn(okJson("{\"items\":[],\"nextCursor\":\"c2\"}")));

        await().atMost(Duration.ofSeconds(30)).until(() -> SyncData.outbox(FLOW).size() == 2);
        // the following runs start from the saved cursor and find nothing new
        await().atMost(Duration.ofSeconds(30)).until(
                () -> source.findAll(getRequestedFor(urlPathEqualTo(PATH)).withQueryParam("cursor", equalTo("c2"))).size() >= 2);

        assertThat(SyncData.outbox(FLOW).stream().map(e -> e.path("key").asText()).toList(), containsInAnyOrder("ITEM-1", "ITEM-3"));
        assertEquals(1, source.findAll(getRequestedFor(urlPathEqualTo(PATH)).withQueryParam("cursor", equalTo("c1"))).size(),
                "a page is read once; later runs resume from the saved cursor");
        assertEquals(java.util.Optional.of("c2"), cursors.load(FLOW));

        List<JsonNode> letters = SyncData.deadLetters(FLOW);
        assertEquals(1, letters.size());
        assertEquals("pull", letters.get(0).path("intake").asText());
        assertEquals("/quantity", letters.get(0).path("fieldErrors").get(0).path("pointer").asText());

        // The source breaks: its page at c2 is not JSON. The cursor stays where it was, nothing is lost or skipped.
        source.stubFor(get(urlPathEqualTo(PATH)).withQueryParam("cursor", equalTo("c2")).atPriority(1)
                .willReturn(com.github.tomakehurst.wiremock.client.WireMock.ok("<html>502 Bad Gateway</html>")
                        .withHeader("Content-Type", "text/html")));
        int before = source.findAll(getRequestedFor(urlPathEqualTo(PATH)).withQueryParam("cursor", equalTo("c2"))).size();
        await().atMost(Duration.ofSeconds(30)).until(
                () -> source.findAll(getRequestedFor(urlPathEqualTo(PATH)).withQueryParam("cursor", equalTo("c2"))).size() >= before + 2);
        assertEquals(java.util.Optional.of("c2"), cursors.load(FLOW));
        // and the flow says it is failing, and why
        io.restassured.RestAssured.given().get("/api/flows/" + FLOW).then().statusCode(200)
                .body("health.state", org.hamcrest.Matchers.equalTo("failing"))
                .body("health.reasons[0]", org.hamcrest.Matchers.containsString("last batch run failed"));

        // Once it answers again, the run carries on from c2.
        source.stubFor(get(urlPathEqualTo(PATH)).withQueryParam("cursor", equalTo("c2")).atPriority(1)
                .willReturn(okJson("""
                        {"items":[{"itemId":"ITEM-4","updatedAt":"2026-11-28T08:03:00Z","quantity":1}],"nextCursor":"c3"}""")));
        source.stubFor(get(urlPathEqualTo(PATH)).withQueryParam("cursor", equalTo("c3"))
                .willReturn(okJson("{\"items\":[],\"nextCursor\":\"c3\"}")));
        await().atMost(Duration.ofSeconds(30)).until(() -> SyncData.outbox(FLOW).size() == 3);
        await().atMost(Duration.ofSeconds(30)).until(
                () -> cursors.load(FLOW).equals(java.util.Optional.of("c3")));
        await().atMost(Duration.ofSeconds(30)).until(() -> !"failing".equals(io.restassured.RestAssured.given()
                .get("/api/flows/" + FLOW).then().statusCode(200).extract().path("health.state")));
    }
}
