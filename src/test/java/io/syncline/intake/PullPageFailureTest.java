package io.syncline.intake;

import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.syncline.support.DataDirResource;
import io.syncline.support.PullSource;
import io.syncline.support.SyncData;
import io.syncline.support.WireMockResource;

/**
 * The pages of one pull share an exchange. A page whose delivery dies with a connection fault goes to the dead
 * letters; the next page is delivered alone, without the failed page's records and with a fresh retry budget.
 */
@QuarkusTest
@TestProfile(PullPageFailureTest.PullToFlakyCrm.class)
class PullPageFailureTest {

    public static class PullToFlakyCrm extends PullSource {
        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> config = new HashMap<>(super.getConfigOverrides());
            config.put("sync.flows." + FLOW + ".target.kind", "http");
            config.put("sync.flows." + FLOW + ".retry.max-redeliveries", "1");
            return config;
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(DataDirResource.class, Map.of("name", "pull-page-failure")),
                    new TestResourceEntry(WireMockResource.class, Map.of("sync.flows." + FLOW + ".pull.url", "/source/items",
                            "sync.flows." + FLOW + ".target.url", "/crm/items")));
        }
    }

    static final String FLOW = PullSource.FLOW;

    @Test
    void aPageLostToAConnectionFaultDoesNotTravelWithTheNextPage() {
        WireMockServer server = WireMockResource.server();
        server.stubFor(get(urlPathEqualTo("/source/items")).withQueryParam("cursor", absent()).willReturn(okJson("""
                {"items":[{"itemId":"ITEM-901","updatedAt":"2026-11-28T08:00:00Z","quantity":1},
                          {"itemId":"ITEM-902","updatedAt":"2026-11-28T08:00:00Z","quantity":2}],"nextCursor":"p2"}""")));
        server.stubFor(get(urlPathEqualTo("/source/items")).withQueryParam("cursor", equalTo("p2")).willReturn(okJson("""
                {"items":[{"itemId":"ITEM-903","updatedAt":"2026-11-28T08:01:00Z","quantity":3}],"nextCursor":"p3"}""")));
        server.stubFor(get(urlPathEqualTo("/source/items")).withQueryParam("cursor", equalTo("p3"))
                .willReturn(okJson("{\"items\":[],\"nextCursor\":\"p3\"}")));
        server.stubFor(post(urlEqualTo("/crm/items")).withRequestBody(containing("ITEM-901"))
                .willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
        server.stubFor(post(urlEqualTo("/crm/items")).withRequestBody(containing("ITEM-903"))
                .willReturn(aResponse().withStatus(200)));

        await().atMost(Duration.ofSeconds(30)).until(() -> SyncData.deadLetters(FLOW).size() == 2
                && !server.findAll(postRequestedFor(urlEqualTo("/crm/items")).withRequestBody(containing("ITEM-903"))).isEmpty());

        List<LoggedRequest> pageTwo = server.findAll(postRequestedFor(urlEqualTo("/crm/items")).withRequestBody(containing("ITEM-903")));
        assertEquals(1, pageTwo.size(), "page two is delivered once, at the first attempt");
        assertFalse(pageTwo.get(0).getBodyAsString().contains("ITEM-901") || pageTwo.get(0).getBodyAsString().contains("ITEM-902"),
                "page two carries only its own record");
        assertEquals(List.of("ITEM-901", "ITEM-902"), SyncData.deadLetters(FLOW).stream().map(d -> d.path("key").asText()).sorted().toList());
        assertEquals("target-transient", SyncData.deadLetters(FLOW).get(0).path("category").asText());
    }
}
