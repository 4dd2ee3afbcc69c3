package io.syncline.targets;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.patch;
import static com.github.tomakehurst.wiremock.client.WireMock.patchRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.specification.RequestSpecification;
import io.syncline.support.Claims;
import io.syncline.support.SalesforceClientCredentials;
import io.syncline.support.SalesforceOrgResource;
import io.syncline.support.SalesforceTargets;

@QuarkusTest
@TestProfile(SalesforceClientCredentials.class)
class SalesforceClientCredentialsTest {

    static final String CLAIM_PATH = SalesforceTargets.API + "/sobjects/Claim__c/Claim_Number__c/";

    @Test
    void theAppLogsInWithClientCredentialsAndUpsertsWithTheToken() {
        WireMockServer org = SalesforceOrgResource.server();
        org.stubFor(post(urlEqualTo("/services/oauth2/token")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json;charset=UTF-8").withBody("""
                        {"access_token":"00D5e000000TOKEN!ClientCredentials","signature":"c2lnbmF0dXJl","scope":"api",
                         "instance_url":"%s","id":"https://login.salesforce.com/id/00D5e000000AbCdEAK/0055e000001AbCdAAK",
                         "token_type":"Bearer","issued_at":"1764320000000"}""".formatted(org.baseUrl()))));
        org.stubFor(patch(urlPathMatching(CLAIM_PATH + ".*")).willReturn(aResponse().withStatus(201)
                .withHeader("Content-Type", "application/json;charset=UTF-8")
                .withBody("{\"id\":\"a0B5e00000AbCdEAAV\",\"success\":true,\"errors\":[],\"created\":true}")));
        String claim = Claims.newClaimNumber();
        api().contentType("application/json").body(Claims.valid(claim)).post("/webhooks/insurance-claims").then().statusCode(202);

        List<LoggedRequest> upserts = await().atMost(Duration.ofSeconds(30))
                .until(() -> org.findAll(patchRequestedFor(urlEqualTo(CLAIM_PATH + claim))), r -> r.size() == 1);
        assertEquals("Bearer 00D5e000000TOKEN!ClientCredentials", upserts.get(0).getHeader("Authorization"));
        String login = org.findAll(postRequestedFor(urlEqualTo("/services/oauth2/token"))).get(0).getBodyAsString();
        assertTrue(login.contains("grant_type=client_credentials"), login);
        assertTrue(login.contains("client_id=" + SalesforceOrgResource.CLIENT_ID), login);
        assertTrue(login.contains("client_secret=" + SalesforceClientCredentials.CLIENT_SECRET), "the secret goes to the token endpoint only");
    }

    static RequestSpecification api() {
        return given();
    }
}
