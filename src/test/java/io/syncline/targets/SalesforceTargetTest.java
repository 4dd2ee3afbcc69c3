package io.syncline.targets;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.patch;
import static com.github.tomakehurst.wiremock.client.WireMock.patchRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.Signature;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Set;

import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.specification.RequestSpecification;
import io.syncline.support.Claims;
import io.syncline.support.RiskFiles;
import io.syncline.support.SalesforceCollections;
import io.syncline.support.SalesforceOrgResource;
import io.syncline.support.SalesforceTargets;
import io.syncline.support.SyncData;

/** A Salesforce org played by WireMock, its answers shaped as in Salesforce's REST and Bulk API 2.0 guides. */
@QuarkusTest
@TestProfile(SalesforceTargets.class)
class SalesforceTargetTest {

    static final String CLAIMS = "insurance-claims";
    static final String RISK = "insurance-actuarial-risk";
    static final String API = SalesforceTargets.API;
    static final String CLAIM_PATH = API + "/sobjects/Claim__c/Claim_Number__c/";
    static final String RISK_COLLECTION = API + "/composite/sobjects/Risk_Record__c/Risk_Record_Id__c";
    static final String CLAIM_COLLECTION = API + "/composite/sobjects/Claim__c/Claim_Number__c";
    static final String TOKEN = "/services/oauth2/token";
    static final Duration WAIT = Duration.ofSeconds(30);
    static final ObjectMapper JSON = new ObjectMapper();

    WireMockServer org;

    @jakarta.inject.Inject
    org.apache.camel.CamelContext camel;

    @BeforeEach
    void orgAcceptsByDefault() {
        org = SalesforceOrgResource.server();
        // the request journal stays: the app's first login may have happened in an earlier test
        org.resetMappings();
        org.resetScenarios();
        SalesforceCollections.reset();
        org.stubFor(post(urlEqualTo(TOKEN)).atPriority(10).willReturn(token("00D5e000000TOKEN!AQ4AQFirst")));
        org.stubFor(patch(urlPathMatching(CLAIM_PATH + ".*")).atPriority(10).willReturn(aResponse().withStatus(201)
                .withHeader("Content-Type", "application/json;charset=UTF-8").withHeader("Sforce-Limit-Info", "api-usage=25/100000")
                .withBody("{\"id\":\"a0B5e00000AbCdEAAV\",\"success\":true,\"errors\":[],\"created\":true}")));
        org.stubFor(patch(urlPathEqualTo(RISK_COLLECTION)).atPriority(10).willReturn(aResponse()
                .withHeader("Sforce-Limit-Info", "api-usage=26/100000").withTransformers(SalesforceCollections.NAME)));
        org.stubFor(get(urlPathMatching(API + "/limits/?")).atPriority(10).willReturn(limits(99_000, 100_000)));
    }

    @Test
    void aNewClaimIsUpsertedByItsExternalIdWithTheMappedFieldsAndAJwtBearerToken() throws Exception {
        String claim = Claims.newClaimNumber();
        accept(Claims.valid(claim));

        LoggedRequest upsert = await().atMost(WAIT).until(() -> upsertsOf(claim), r -> r.size() == 1).get(0);
        JsonNode fields = JSON.readTree(upsert.getBodyAsString());
        assertEquals("AUT-4410023", fields.path("Policy_Number__c").asText());
        assertEquals("4820.5", fields.path("Claimed_Amount__c").asText());
        assertEquals("jane@example.com", fields.path("Claimant_Email__c").asText());
        assertFalse(fields.has("Claim_Number__c"), "the external id travels in the URL");
        assertTrue(upsert.getHeader("Authorization").startsWith("Bearer 00D5e000000TOKEN!"));
        assertTrue(org.findAll(postRequestedFor(urlEqualTo(TOKEN))).stream().allMatch(t -> t.getBodyAsString()
                .contains("grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer")));
        assertJwtBearerAssertion(org.findAll(postRequestedFor(urlEqualTo(TOKEN))).get(0).getBodyAsString());
        assertTrue(deadLettersOf(CLAIMS, claim).isEmpty());
    }

    @Test
    void anUpdatedClaimAnswered200IsDeliveredToo() {
        String claim = Claims.newClaimNumber();
        org.stubFor(patch(urlEqualTo(CLAIM_PATH + claim)).inScenario(claim).whenScenarioStateIs("updated")
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json;charset=UTF-8")
                        .withBody("{\"id\":\"a0B5e00000AbCdEAAV\",\"success\":true,\"errors\":[],\"created\":false}")));
        org.stubFor(patch(urlEqualTo(CLAIM_PATH + claim)).inScenario(claim).whenScenarioStateIs(STARTED)
                .willSetStateTo("updated").willReturn(aResponse().withStatus(201)
                        .withBody("{\"id\":\"a0B5e00000AbCdEAAV\",\"success\":true,\"errors\":[],\"created\":true}")));
        long published = publishedCount(CLAIMS);
        accept(Claims.valid(claim));
        await().atMost(WAIT).until(() -> upsertsOf(claim).size() == 1);
        accept(Claims.valid(claim).replace("2026-11-27T09:14:00Z", "2026-11-27T10:30:00Z").replace("4820.50", "5100.00"));

        List<LoggedRequest> upserts = await().atMost(WAIT).until(() -> upsertsOf(claim), r -> r.size() == 2);
        assertTrue(upserts.stream().anyMatch(r -> r.getBodyAsString().contains("5100")));
        await().atMost(WAIT).until(() -> publishedCount(CLAIMS) >= published + 2);
        assertTrue(deadLettersOf(CLAIMS, claim).isEmpty());
    }

    @Test
    void aRealTimeBurstOf2000ClaimsTakesAtMost20ApiCallsAndAFailedItemIsDeadLetteredAlone() throws Exception {
        String refused = Claims.newClaimNumber();
        SalesforceCollections.fail(refused, "FIELD_CUSTOM_VALIDATION_EXCEPTION", "Claimed amount needs an adjuster", "Claimed_Amount__c");
        org.stubFor(patch(urlPathEqualTo(CLAIM_COLLECTION)).atPriority(10).willReturn(aResponse()
                .withHeader("Sforce-Limit-Info", "api-usage=30/100000").withTransformers(SalesforceCollections.NAME)));
        long published = publishedCount(CLAIMS);
        List<String> claims = new ArrayList<>(List.of(refused));
        // the burst arrives while the worker is busy elsewhere: 2,000 claims wait in the flow's queue
        camel.getRouteController().suspendRoute(CLAIMS + "-worker");
        try {
            for (int i = 1; i < 2_000; i++) {
                claims.add(Claims.newClaimNumber());
            }
            Claims.postAll(CLAIMS, claims.stream().map(Claims::valid).toList());
        } finally {
            java.util.Date resumedAt = new java.util.Date();
            camel.getRouteController().resumeRoute(CLAIMS + "-worker");
            await().atMost(Duration.ofSeconds(60)).until(() -> publishedCount(CLAIMS) >= published + 1_999);
            long apiCalls = org.getAllServeEvents().stream()
                    .filter(e -> !e.getRequest().getLoggedDate().before(resumedAt)).count();
            assertTrue(apiCalls <= 20, "2,000 claims in " + apiCalls + " calls");
        }
        List<LoggedRequest> collections = org.findAll(patchRequestedFor(urlPathEqualTo(CLAIM_COLLECTION)));
        assertTrue(collections.stream().allMatch(r -> readTree(r.getBodyAsString()).path("records").size() <= 200),
                "at most 200 records a call");
        JsonNode letter = await().atMost(WAIT).until(() -> deadLettersOf(CLAIMS, refused), l -> l.size() == 1).get(0);
        assertEquals("target-permanent", letter.path("category").asText());
        assertThat(letter.path("targetResponse").asText(), containsString("FIELD_CUSTOM_VALIDATION_EXCEPTION: Claimed amount needs an adjuster"));
        assertEquals(published + 1_999, publishedCount(CLAIMS), "every other claim delivered");
        assertTrue(upsertsOf(claims.get(1)).isEmpty(), "no single-record upsert in a chunk");
    }

    @Test
    void twoVersionsOfAClaimTakenInOneChunkGoInSeparateRequestsInOrder() throws Exception {
        String claim = Claims.newClaimNumber();
        org.stubFor(patch(urlPathEqualTo(CLAIM_COLLECTION)).atPriority(10).willReturn(aResponse()
                .withTransformers(SalesforceCollections.NAME)));
        long published = publishedCount(CLAIMS);
        camel.getRouteController().suspendRoute(CLAIMS + "-worker");
        try {
            accept(Claims.valid(claim));
            accept(Claims.valid(Claims.newClaimNumber()));
            accept(Claims.valid(claim).replace("2026-11-27T09:14:00Z", "2026-11-27T10:30:00Z").replace("4820.50", "5100.00"));
        } finally {
            camel.getRouteController().resumeRoute(CLAIMS + "-worker");
        }

        await().atMost(WAIT).until(() -> publishedCount(CLAIMS) >= published + 3);
        List<JsonNode> sent = org.findAll(patchRequestedFor(urlPathEqualTo(CLAIM_COLLECTION)).withRequestBody(containing(claim)))
                .stream().map(r -> readTree(r.getBodyAsString()).path("records")).toList();
        assertEquals(2, sent.size(), "one request per version");
        assertTrue(sent.stream().allMatch(records -> records.findValuesAsText("Claim_Number__c").stream().filter(claim::equals).count() == 1));
        assertTrue(sent.get(0).toString().contains("4820.5") && sent.get(1).toString().contains("5100"), "older version first");
        assertTrue(deadLettersOf(CLAIMS, claim).isEmpty());
    }

    @Test
    void twoFailingItemsAmong200AreDeadLetteredWithTheirCodesAndTheOthersDelivered() {
        String prefix = RiskFiles.newPrefix();
        String name = "collections-" + prefix + ".csv";
        SalesforceCollections.fail(prefix + "00017", "DUPLICATE_VALUE",
                "duplicate value found: Risk_Record_Id__c duplicates value on record with id: a0B5e00000AbCdE", "Risk_Record_Id__c");
        SalesforceCollections.fail(prefix + "00150", "FIELD_CUSTOM_VALIDATION_EXCEPTION", "Risk score must be below 900", "Risk_Score__c");
        SyncData.drop(RISK, name, RiskFiles.csv(prefix, 200, Set.of()));

        JsonNode report = await().atMost(WAIT).until(() -> SyncData.report(RISK, name), r -> r.isPresent()).get();
        assertEquals(198, report.path("published").asLong());
        assertEquals(2, report.path("deadLettered").asLong());
        List<LoggedRequest> requests = collectionRequests(prefix);
        assertEquals(1, requests.size(), "200 records, one request");
        JsonNode sent = readTree(requests.get(0).getBodyAsString());
        assertFalse(sent.path("allOrNone").asBoolean());
        assertEquals(200, sent.path("records").size());
        JsonNode first = sent.path("records").get(0);
        assertEquals("Risk_Record__c", first.path("attributes").path("type").asText());
        assertTrue(first.has("Segment__c") && first.has("Risk_Score__c") && first.has("Risk_Record_Id__c"), first.toString());
        assertFalse(first.has("Id"), "no empty system fields are sent");

        List<JsonNode> letters = await().atMost(WAIT).until(() -> deadLettersWithPrefix(RISK, prefix), l -> l.size() == 2);
        JsonNode duplicate = letters.stream().filter(l -> l.path("key").asText().equals(prefix + "00017")).findFirst().orElseThrow();
        assertThat(duplicate.path("targetResponse").asText(), containsString("DUPLICATE_VALUE: duplicate value found"));
        assertEquals("target-permanent", duplicate.path("category").asText());
        JsonNode invalid = letters.stream().filter(l -> l.path("key").asText().equals(prefix + "00150")).findFirst().orElseThrow();
        assertThat(invalid.path("targetResponse").asText(),
                containsString("FIELD_CUSTOM_VALIDATION_EXCEPTION: Risk score must be below 900 [Risk_Score__c]"));
    }

    @Test
    void recordsOfOneParentTravelTogetherAndALockedRowIsSentAgain() {
        String prefix = RiskFiles.newPrefix();
        String name = "locked-" + prefix + ".csv";
        SalesforceCollections.lockedFor(prefix + "00005", 2);
        SyncData.drop(RISK, name, RiskFiles.csv(prefix, 40, Set.of()));

        JsonNode report = await().atMost(WAIT).until(() -> SyncData.report(RISK, name), r -> r.isPresent()).get();
        assertEquals(40, report.path("published").asLong());
        assertEquals(0, report.path("deadLettered").asLong());
        List<LoggedRequest> requests = collectionRequests(prefix);
        assertEquals(3, requests.size(), "the chunk, then the locked record twice");
        JsonNode firstRequest = readTree(requests.get(0).getBodyAsString()).path("records");
        // the segment (parent key) of each record, in the order sent: one run per segment
        List<String> segments = new ArrayList<>();
        firstRequest.forEach(r -> segments.add(r.path("Segment__c").asText()));
        assertEquals(segments.stream().distinct().count(), runs(segments), "records of a segment are contiguous: " + segments);
        assertEquals(1, readTree(requests.get(2).getBodyAsString()).path("records").size());
    }

    @Test
    void aFileAboveTheThresholdGoesThroughABulkJobAndItsFailedResultsAreDeadLettered() {
        String prefix = RiskFiles.newPrefix();
        String name = "bulk-" + prefix + ".csv";
        String job = "7505e00000BULKJOB";
        String jobPath = API + "/jobs/ingest/" + job;
        org.stubFor(post(urlPathMatching(API + "/jobs/ingest/?")).willReturn(json(200, """
                {"id":"%s","operation":"upsert","object":"Risk_Record__c","createdById":"0055e000001AbCdAAK",
                 "createdDate":"2026-11-28T10:00:00.000+0000","systemModstamp":"2026-11-28T10:00:00.000+0000",
                 "state":"Open","externalIdFieldName":"Risk_Record_Id__c","concurrencyMode":"Parallel",
                 "contentType":"CSV","apiVersion":61.0,"contentUrl":"services/data/v61.0/jobs/ingest/%s/batches",
                 "lineEnding":"LF","columnDelimiter":"COMMA"}""".formatted(job, job))));
        org.stubFor(put(urlPathEqualTo(jobPath + "/batches")).willReturn(aResponse().withStatus(201)));
        org.stubFor(patch(urlPathMatching(jobPath + "/?")).willReturn(json(200, jobState(job, "UploadComplete", 0, 0))));
        org.stubFor(get(urlPathMatching(jobPath + "/?")).inScenario(job).whenScenarioStateIs(STARTED).willSetStateTo("done")
                .willReturn(json(200, jobState(job, "InProgress", 100, 0))));
        org.stubFor(get(urlPathMatching(jobPath + "/?")).inScenario(job).whenScenarioStateIs("done")
                .willReturn(json(200, jobState(job, "JobComplete", 350, 2))));
        // the file goes as two jobs (301 rows, then 49): both failures are rows of the first, the second has none
        org.stubFor(get(urlPathMatching(jobPath + "/failedResults/?")).inScenario(job + "-failed")
                .whenScenarioStateIs("served").willReturn(aResponse().withStatus(200).withHeader("Content-Type", "text/csv")
                        .withBody("\"sf__Id\",\"sf__Error\",Risk_Record_Id__c,Segment__c,Risk_Score__c\n")));
        org.stubFor(get(urlPathMatching(jobPath + "/failedResults/?")).inScenario(job + "-failed")
                .whenScenarioStateIs(STARTED).willSetStateTo("served").willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "text/csv").withBody("""
                        "sf__Id","sf__Error",Risk_Record_Id__c,Segment__c,Risk_Score__c
                        "","DUPLICATE_VALUE:duplicate value found: Risk_Record_Id__c duplicates value on record with id: a0B5e00000AbCdE:--","%s00042","AUTO-DE-10","42"
                        "","REQUIRED_FIELD_MISSING:Required fields are missing: [Segment__c]:Segment__c --","%s00300","AUTO-DE-12","300"
                        """.formatted(prefix, prefix))));
        org.stubFor(get(urlPathMatching(jobPath + "/unprocessedrecords/?")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "text/csv").withBody("Risk_Record_Id__c,Segment__c,Risk_Score__c\n")));
        SyncData.drop(RISK, name, RiskFiles.csv(prefix, 350, Set.of()));

        JsonNode report = await().atMost(WAIT).until(() -> SyncData.report(RISK, name), r -> r.isPresent()).get();
        assertEquals(348, report.path("published").asLong(), report.toString());
        assertEquals(2, report.path("deadLettered").asLong());
        assertTrue(collectionRequests(prefix).isEmpty(), "no sObject Collections request for a file above the threshold");
        List<LoggedRequest> uploads = org.findAll(putRequestedFor(urlPathEqualTo(jobPath + "/batches")));
        long rowsUploaded = uploads.stream().mapToLong(u -> u.getBodyAsString().lines().filter(l -> l.startsWith(prefix)).count()).sum();
        assertEquals(350, rowsUploaded);
        assertTrue(uploads.get(0).getBodyAsString().startsWith("Risk_Record_Id__c,Segment__c,Risk_Score__c\n"));
        assertTrue(org.findAll(patchRequestedFor(urlPathMatching(jobPath + "/?"))).stream()
                .allMatch(r -> r.getBodyAsString().contains("UploadComplete")));

        List<JsonNode> letters = await().atMost(WAIT).until(() -> deadLettersWithPrefix(RISK, prefix), l -> l.size() == 2);
        assertTrue(letters.stream().anyMatch(l -> l.path("key").asText().equals(prefix + "00042")
                && l.path("targetResponse").asText().contains("Bulk API 2.0 job " + job + ": DUPLICATE_VALUE:")));
        assertTrue(letters.stream().anyMatch(l -> l.path("key").asText().equals(prefix + "00300")
                && l.path("targetResponse").asText().contains("REQUIRED_FIELD_MISSING")));
    }

    @Test
    void aBulkJobThatFailsPartWayKeepsWhatItUpsertedAndOnlyItsUnprocessedRecordsGoInANewJob() {
        String prefix = RiskFiles.newPrefix();
        String name = "bulk-failed-" + prefix + ".csv";
        String first = "750A" + prefix.substring(5, prefix.length() - 1);
        String second = "750B" + prefix.substring(5, prefix.length() - 1);
        twoJobs(first, second);
        // 301 rows, one chunk, one job. The first poll of its state meets a 503; the job then ends Failed after its
        // first 200 rows: row 42 failed, rows 201 to 301 not processed, the others upserted
        String firstPath = API + "/jobs/ingest/" + first;
        org.stubFor(get(urlPathMatching(firstPath + "/?")).inScenario(first + "-state").whenScenarioStateIs(STARTED)
                .willSetStateTo("polled").willReturn(json(503, "[{\"message\":\"Service Unavailable\",\"errorCode\":\"SERVER_UNAVAILABLE\"}]")));
        org.stubFor(get(urlPathMatching(firstPath + "/?")).inScenario(first + "-state").whenScenarioStateIs("polled")
                .willReturn(json(200, jobState(first, "Failed", 200, 1).replace("\"retries\":0",
                        "\"errorMessage\":\"A batch was not processed after 20 retries\",\"retries\":20"))));
        ended(first, successfulRows(prefix, 1, 200, 42), unprocessedRows(prefix, 201, 301));
        org.stubFor(get(urlPathMatching(firstPath + "/failedResults/?")).atPriority(1).willReturn(csv("""
                "sf__Id","sf__Error",Risk_Record_Id__c,Segment__c,Risk_Score__c
                "","DUPLICATE_VALUE:duplicate value found: Risk_Record_Id__c duplicates value on record with id: a0B5e00000AbCdE:--","%s00042","AUTO-DE-10","42"
                """.formatted(prefix))));
        completes(second, 101);
        SyncData.drop(RISK, name, RiskFiles.csv(prefix, 301, Set.of()));

        JsonNode report = await().atMost(WAIT).until(() -> SyncData.report(RISK, name), r -> r.isPresent()).get();
        assertEquals(300, report.path("published").asLong(), report.toString());
        assertEquals(1, report.path("deadLettered").asLong(), report.toString());
        assertEquals(301, rowsUploaded(first, prefix).size(), "the records were uploaded once, not again after the 503 to a poll");
        List<String> sentAgain = rowsUploaded(second, prefix);
        assertEquals(101, sentAgain.size(), "only the records the failed job did not process go in the new job");
        assertTrue(sentAgain.stream().allMatch(id -> Integer.parseInt(id.substring(prefix.length())) > 200), sentAgain.toString());
        List<JsonNode> letters = await().atMost(WAIT).until(() -> deadLettersWithPrefix(RISK, prefix), l -> l.size() == 1);
        assertEquals(prefix + "00042", letters.get(0).path("key").asText());
        assertEquals("target-permanent", letters.get(0).path("category").asText());
        assertThat(letters.get(0).path("targetResponse").asText(), containsString("Bulk API 2.0 job " + first + ": DUPLICATE_VALUE:"));
    }

    @Test
    void aBulkJobSalesforceRefusesBeforeProcessingARecordDeadLettersTheChunkWithItsErrorWithoutUploadingItAgain() {
        String prefix = RiskFiles.newPrefix();
        String name = "bulk-refused-" + prefix + ".csv";
        String job = "750C" + prefix.substring(5, prefix.length() - 1);
        String jobPath = oneJob(job);
        org.stubFor(get(urlPathMatching(jobPath + "/?")).willReturn(json(200, jobState(job, "Failed", 0, 0).replace("\"retries\":0",
                "\"errorMessage\":\"InvalidBatch : Field name not found : Risk_Score__c\",\"retries\":0"))));
        ended(job, "", unprocessedRows(prefix, 1, 301));
        SyncData.drop(RISK, name, RiskFiles.csv(prefix, 301, Set.of()));

        JsonNode report = await().atMost(WAIT).until(() -> SyncData.report(RISK, name), r -> r.isPresent()).get();
        assertEquals(0, report.path("published").asLong(), report.toString());
        assertEquals(301, report.path("deadLettered").asLong(), report.toString());
        assertEquals(1, org.findAll(putRequestedFor(urlPathEqualTo(jobPath + "/batches"))).size(), "the same upload is not tried again");
        List<JsonNode> letters = await().atMost(WAIT).until(() -> deadLettersWithPrefix(RISK, prefix), l -> l.size() == 301);
        assertTrue(letters.stream().allMatch(l -> l.path("category").asText().equals("target-permanent")
                && l.path("targetResponse").asText().contains("InvalidBatch : Field name not found : Risk_Score__c")), letters.get(0).toString());
    }

    @Test
    void aBulkJobWhoseStateCannotBeReadUntilTheRetriesEndIsNamedInItsDeadLetters() {
        String prefix = RiskFiles.newPrefix();
        String name = "bulk-unreadable-" + prefix + ".csv";
        String job = "750U" + prefix.substring(5, prefix.length() - 1);
        String jobPath = oneJob(job);
        org.stubFor(get(urlPathMatching(jobPath + "/?"))
                .willReturn(json(503, "[{\"message\":\"Service Unavailable\",\"errorCode\":\"SERVER_UNAVAILABLE\"}]")));
        SyncData.drop(RISK, name, RiskFiles.csv(prefix, 301, Set.of()));

        JsonNode report = await().atMost(WAIT).until(() -> SyncData.report(RISK, name), r -> r.isPresent()).get();
        assertEquals(0, report.path("published").asLong(), report.toString());
        assertEquals(301, report.path("deadLettered").asLong(), report.toString());
        assertEquals(1, org.findAll(putRequestedFor(urlPathEqualTo(jobPath + "/batches"))).size(),
                "every retry asked after the job uploaded first");
        List<JsonNode> letters = await().atMost(WAIT).until(() -> deadLettersWithPrefix(RISK, prefix), l -> l.size() == 301);
        assertTrue(letters.stream().allMatch(l -> l.path("category").asText().equals("target-transient")
                && l.path("targetResponse").asText().contains("Bulk API 2.0 job " + job + " was uploaded and its state could"
                        + " not be read; Salesforce may still process it")
                && l.path("targetResponse").asText().contains("503")), letters.get(0).toString());
    }

    @Test
    void aBulkJobFailedForAPassingReasonBeforeProcessingARecordGoesAgainInANewJob() {
        String prefix = RiskFiles.newPrefix();
        String name = "bulk-gave-up-" + prefix + ".csv";
        String first = "750D" + prefix.substring(5, prefix.length() - 1);
        String second = "750E" + prefix.substring(5, prefix.length() - 1);
        twoJobs(first, second);
        org.stubFor(get(urlPathMatching(API + "/jobs/ingest/" + first + "/?")).willReturn(json(200, jobState(first, "Failed", 0, 0)
                .replace("\"retries\":0", "\"errorMessage\":\"A batch was not processed after 20 retries\",\"retries\":20"))));
        ended(first, "", unprocessedRows(prefix, 1, 301));
        completes(second, 301);
        SyncData.drop(RISK, name, RiskFiles.csv(prefix, 301, Set.of()));

        JsonNode report = await().atMost(WAIT).until(() -> SyncData.report(RISK, name), r -> r.isPresent()).get();
        assertEquals(301, report.path("published").asLong(), report.toString());
        assertEquals(0, report.path("deadLettered").asLong(), report.toString());
        assertEquals(301, rowsUploaded(second, prefix).size(), "the whole chunk went again in a new job");
    }

    @Test
    void aBulkJobStillRunningAfterTheBulkTimeoutIsAbortedAndOnlyWhatItDidNotProcessGoesInANewJob() {
        String prefix = RiskFiles.newPrefix();
        String name = "bulk-slow-" + prefix + ".csv";
        String first = "750F" + prefix.substring(5, prefix.length() - 1);
        String second = "750G" + prefix.substring(5, prefix.length() - 1);
        twoJobs(first, second);
        String firstPath = API + "/jobs/ingest/" + first;
        // InProgress until Syncline aborts it (sync.salesforce.bulk-timeout=3s here), then Aborted after 150 rows; the
        // first abort meets a 503, so the next attempt waits again and aborts again
        org.stubFor(patch(urlPathMatching(firstPath + "/?")).withRequestBody(containing("Aborted")).atPriority(1)
                .inScenario(first + "-state").whenScenarioStateIs(STARTED).willSetStateTo("abort refused")
                .willReturn(json(503, "[{\"message\":\"Service Unavailable\",\"errorCode\":\"SERVER_UNAVAILABLE\"}]")));
        org.stubFor(patch(urlPathMatching(firstPath + "/?")).withRequestBody(containing("Aborted")).atPriority(1)
                .inScenario(first + "-state").whenScenarioStateIs("abort refused").willSetStateTo("aborted")
                .willReturn(json(200, jobState(first, "Aborted", 150, 0))));
        for (String running : List.of(STARTED, "abort refused")) {
            org.stubFor(get(urlPathMatching(firstPath + "/?")).inScenario(first + "-state").whenScenarioStateIs(running)
                    .willReturn(json(200, jobState(first, "InProgress", 150, 0))));
        }
        org.stubFor(get(urlPathMatching(firstPath + "/?")).inScenario(first + "-state").whenScenarioStateIs("aborted")
                .willReturn(json(200, jobState(first, "Aborted", 150, 0))));
        ended(first, successfulRows(prefix, 1, 150, 0), unprocessedRows(prefix, 151, 301));
        completes(second, 151);
        SyncData.drop(RISK, name, RiskFiles.csv(prefix, 301, Set.of()));

        JsonNode report = await().atMost(WAIT).until(() -> SyncData.report(RISK, name), r -> r.isPresent()).get();
        assertEquals(301, report.path("published").asLong(), report.toString());
        assertEquals(0, report.path("deadLettered").asLong(), report.toString());
        assertEquals(2, org.findAll(patchRequestedFor(urlPathMatching(firstPath + "/?")).withRequestBody(containing("Aborted"))).size(),
                "aborted again after the first abort met a 503");
        List<String> sentAgain = rowsUploaded(second, prefix);
        assertEquals(151, sentAgain.size(), "only what the aborted job did not process goes in the new job");
        assertTrue(sentAgain.stream().allMatch(id -> Integer.parseInt(id.substring(prefix.length())) > 150), sentAgain.toString());
    }

    @Test
    void twoVersionsOfARowInOneBulkJobAreUploadedAsTheNewestAloneAndBothCount() {
        String prefix = RiskFiles.newPrefix();
        String name = "bulk-two-versions-" + prefix + ".csv";
        String job = "750H" + prefix.substring(5, prefix.length() - 1);
        twoJobs(job, job);
        completes(job, 300);
        // row 301 is a newer version of row 10 (calculated an hour later, risk score 301): a job processes its rows in
        // parallel batches, so both in one job could leave the older one in Salesforce
        String csv = new String(RiskFiles.csv(prefix, 300, Set.of()), StandardCharsets.UTF_8)
                + RiskFiles.validRow(prefix + "00010", 301).replace("2026-11-27T22:00:00Z", "2026-11-27T23:00:00Z") + "\n";
        SyncData.drop(RISK, name, csv.getBytes(StandardCharsets.UTF_8));

        JsonNode report = await().atMost(WAIT).until(() -> SyncData.report(RISK, name), r -> r.isPresent()).get();
        assertEquals(301, report.path("published").asLong(), report.toString());
        assertEquals(0, report.path("deadLettered").asLong(), report.toString());
        List<String> rows = org.findAll(putRequestedFor(urlPathEqualTo(API + "/jobs/ingest/" + job + "/batches"))).stream()
                .flatMap(u -> u.getBodyAsString().lines()).filter(l -> l.startsWith(prefix + "00010,")).toList();
        assertEquals(List.of(prefix + "00010,AUTO-DE-13,301"), rows, "the newest version of row 10 alone");
    }

    /** The first job created is {@code first}, the next {@code second}; both take an upload and are closed. */
    /** The one job the next upload makes: created, uploaded to and closed; its path. */
    private String oneJob(String job) {
        String jobPath = API + "/jobs/ingest/" + job;
        org.stubFor(post(urlPathMatching(API + "/jobs/ingest/?")).willReturn(json(200, jobState(job, "Open", 0, 0))));
        org.stubFor(put(urlPathEqualTo(jobPath + "/batches")).willReturn(aResponse().withStatus(201)));
        org.stubFor(patch(urlPathMatching(jobPath + "/?")).willReturn(json(200, jobState(job, "UploadComplete", 0, 0))));
        return jobPath;
    }

    private void twoJobs(String first, String second) {
        org.stubFor(post(urlPathMatching(API + "/jobs/ingest/?")).inScenario(first).whenScenarioStateIs(STARTED)
                .willSetStateTo("one created").willReturn(json(200, jobState(first, "Open", 0, 0))));
        org.stubFor(post(urlPathMatching(API + "/jobs/ingest/?")).inScenario(first).whenScenarioStateIs("one created")
                .willSetStateTo("two created").willReturn(json(200, jobState(second, "Open", 0, 0))));
        for (String job : List.of(first, second)) {
            org.stubFor(put(urlPathEqualTo(API + "/jobs/ingest/" + job + "/batches")).willReturn(aResponse().withStatus(201)));
            org.stubFor(patch(urlPathMatching(API + "/jobs/ingest/" + job + "/?")).willReturn(json(200, jobState(job, "UploadComplete", 0, 0))));
        }
    }

    /** An ended job's results: no failed rows, these successful rows (CSV lines after the header) and unprocessed ones. */
    private void ended(String job, String successfulRows, String unprocessed) {
        String path = API + "/jobs/ingest/" + job;
        org.stubFor(get(urlPathMatching(path + "/failedResults/?")).willReturn(csv("\"sf__Id\",\"sf__Error\",Risk_Record_Id__c\n")));
        org.stubFor(get(urlPathMatching(path + "/successfulResults/?")).willReturn(csv(
                "\"sf__Id\",\"sf__Created\",Risk_Record_Id__c\n" + successfulRows)));
        org.stubFor(get(urlPathMatching(path + "/unprocessedrecords/?")).willReturn(csv(unprocessed)));
    }

    /** A job that completes at once, every record upserted. */
    private void completes(String job, int records) {
        org.stubFor(get(urlPathMatching(API + "/jobs/ingest/" + job + "/?")).willReturn(json(200, jobState(job, "JobComplete", records, 0))));
        ended(job, "", "Risk_Record_Id__c\n");
    }

    /** successfulResults lines for rows {@code from} to {@code to} of {@code prefix}, but {@code except}. */
    private static String successfulRows(String prefix, int from, int to, int except) {
        StringBuilder rows = new StringBuilder();
        for (int row = from; row <= to; row++) {
            if (row != except) {
                rows.append("\"a0B5e00000").append(String.format("%05d", row)).append("\",\"true\",\"").append(prefix)
                        .append(String.format("%05d", row)).append("\"\n");
            }
        }
        return rows.toString();
    }

    private static String unprocessedRows(String prefix, int from, int to) {
        StringBuilder rows = new StringBuilder("Risk_Record_Id__c,Segment__c,Risk_Score__c\n");
        for (int row = from; row <= to; row++) {
            rows.append(prefix).append(String.format("%05d", row)).append(",AUTO-DE-1,").append(row).append('\n');
        }
        return rows.toString();
    }

    /** The external ids of {@code prefix} in the uploads to {@code job}. */
    private List<String> rowsUploaded(String job, String prefix) {
        return org.findAll(putRequestedFor(urlPathEqualTo(API + "/jobs/ingest/" + job + "/batches"))).stream()
                .flatMap(u -> u.getBodyAsString().lines()).filter(l -> l.startsWith(prefix))
                .map(l -> l.substring(0, l.indexOf(','))).toList();
    }

    private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder csv(String body) {
        return aResponse().withStatus(200).withHeader("Content-Type", "text/csv").withBody(body);
    }

    @Test
    void severalRecordsMatchingTheExternalIdOrADuplicateValueAreDeadLetteredWithTheSalesforceCode() {
        String ambiguous = Claims.newClaimNumber();
        String duplicate = Claims.newClaimNumber();
        org.stubFor(patch(urlEqualTo(CLAIM_PATH + ambiguous)).willReturn(json(300,
                "[\"" + API + "/sobjects/Claim__c/a0B5e00000AbCdEAAV\",\"" + API + "/sobjects/Claim__c/a0B5e00000AbCdFAAV\"]")));
        org.stubFor(patch(urlEqualTo(CLAIM_PATH + duplicate)).willReturn(json(400,
                "[{\"message\":\"duplicate value found: Claimant_Email__c duplicates value on record with id: a0B5e00000AbCdE\","
                        + "\"errorCode\":\"DUPLICATE_VALUE\",\"fields\":[\"Claimant_Email__c\"]}]")));
        accept(Claims.valid(ambiguous));
        accept(Claims.valid(duplicate));

        JsonNode several = await().atMost(WAIT).until(() -> deadLettersOf(CLAIMS, ambiguous), l -> l.size() == 1).get(0);
        assertEquals("target-permanent", several.path("category").asText());
        assertEquals(1, several.path("attempts").asInt());
        assertThat(several.path("targetResponse").asText(), containsString("HTTP 300 MULTIPLE_CHOICES"));
        JsonNode taken = await().atMost(WAIT).until(() -> deadLettersOf(CLAIMS, duplicate), l -> l.size() == 1).get(0);
        assertEquals("target-permanent", taken.path("category").asText());
        assertThat(taken.path("targetResponse").asText(), containsString(
                "HTTP 400 DUPLICATE_VALUE: duplicate value found: Claimant_Email__c duplicates value on record with id: a0B5e00000AbCdE [Claimant_Email__c]"));
        assertEquals(1, upsertsOf(duplicate).size(), "a refused record is not sent again");
    }

    @Test
    void aFileWhoseLaterCollectionsRequestFailsForGoodKeepsWhatTheEarlierOnesDelivered() {
        String prefix = RiskFiles.newPrefix();
        String name = "later-request-down-" + prefix + ".csv";
        // 250 rows below the bulk threshold: one chunk, sObject Collections requests of up to 200 by segment; the
        // second request, holding row 240 (segment 0, the last to appear), meets a server down until the retries end
        org.stubFor(patch(urlPathEqualTo(RISK_COLLECTION)).withRequestBody(containing(prefix + "00240")).atPriority(1)
                .willReturn(json(503, "[{\"message\":\"Service Unavailable\",\"errorCode\":\"SERVER_UNAVAILABLE\"}]")));
        SyncData.drop(RISK, name, RiskFiles.csv(prefix, 250, Set.of()));

        JsonNode report = await().atMost(WAIT).until(() -> SyncData.report(RISK, name), r -> r.isPresent()).get();
        List<LoggedRequest> requests = collectionRequests(prefix);
        List<String> taken = new ArrayList<>();
        Set<String> refused = new java.util.HashSet<>();
        for (LoggedRequest request : requests) {
            List<String> keys = new ArrayList<>();
            readTree(request.getBodyAsString()).path("records").forEach(r -> keys.add(r.path("Risk_Record_Id__c").asText()));
            if (keys.contains(prefix + "00240")) {
                refused.addAll(keys);
            } else {
                taken.addAll(keys);
            }
        }
        assertFalse(taken.isEmpty(), "some request was answered: " + requests.size() + " requests");
        assertEquals(taken.size(), new java.util.HashSet<>(taken).size(), "a retry sent again what an earlier request delivered");
        assertEquals(taken.size(), report.path("published").asLong(), report.toString());
        assertEquals(refused.size(), report.path("deadLettered").asLong(), report.toString());
        assertEquals(250, taken.size() + refused.size());
        List<JsonNode> letters = await().atMost(WAIT).until(() -> deadLettersWithPrefix(RISK, prefix), l -> l.size() == refused.size());
        assertTrue(letters.stream().allMatch(l -> refused.contains(l.path("key").asText())
                && l.path("category").asText().equals("target-transient")), letters.toString());
    }

    @Test
    void aServerErrorAndATimeoutAreRetried() {
        String claim = Claims.newClaimNumber();
        org.stubFor(patch(urlEqualTo(CLAIM_PATH + claim)).inScenario(claim).whenScenarioStateIs(STARTED).willSetStateTo("slow")
                .willReturn(json(503, "[{\"message\":\"Service Unavailable\",\"errorCode\":\"SERVER_UNAVAILABLE\"}]")));
        // sync.salesforce.request-timeout=2s in this profile
        org.stubFor(patch(urlEqualTo(CLAIM_PATH + claim)).inScenario(claim).whenScenarioStateIs("slow").willSetStateTo("up")
                .willReturn(json(201, "{\"id\":\"a0B5e00000AbCdEAAV\",\"success\":true,\"errors\":[],\"created\":true}")
                        .withFixedDelay(3000)));
        org.stubFor(patch(urlEqualTo(CLAIM_PATH + claim)).inScenario(claim).whenScenarioStateIs("up")
                .willReturn(json(201, "{\"id\":\"a0B5e00000AbCdEAAV\",\"success\":true,\"errors\":[],\"created\":true}")));
        long published = publishedCount(CLAIMS);
        accept(Claims.valid(claim));

        await().atMost(WAIT).until(() -> upsertsOf(claim).size() == 3);
        await().atMost(WAIT).until(() -> publishedCount(CLAIMS) > published);
        assertTrue(deadLettersOf(CLAIMS, claim).isEmpty());
    }

    @Test
    void unableToLockRowIsRetriedUntilTheRecordIsTaken() {
        String claim = Claims.newClaimNumber();
        org.stubFor(patch(urlEqualTo(CLAIM_PATH + claim)).inScenario(claim).whenScenarioStateIs(STARTED).willSetStateTo("free")
                .willReturn(json(400, "[{\"message\":\"unable to obtain exclusive access to this record or 1 records: a0B5e00000AbCdE\","
                        + "\"errorCode\":\"UNABLE_TO_LOCK_ROW\",\"fields\":[]}]")));
        org.stubFor(patch(urlEqualTo(CLAIM_PATH + claim)).inScenario(claim).whenScenarioStateIs("free")
                .willReturn(json(201, "{\"id\":\"a0B5e00000AbCdEAAV\",\"success\":true,\"errors\":[],\"created\":true}")));
        long published = publishedCount(CLAIMS);
        accept(Claims.valid(claim));

        await().atMost(WAIT).until(() -> upsertsOf(claim).size() == 2);
        await().atMost(WAIT).until(() -> publishedCount(CLAIMS) > published);
        assertTrue(deadLettersOf(CLAIMS, claim).isEmpty());
    }

    @Test
    void requestLimitExceededBacksOffBeforeTheNextCall() {
        String claim = Claims.newClaimNumber();
        org.stubFor(patch(urlEqualTo(CLAIM_PATH + claim)).inScenario(claim).whenScenarioStateIs(STARTED).willSetStateTo("later")
                .willReturn(json(403, "[{\"message\":\"TotalRequests Limit exceeded.\",\"errorCode\":\"REQUEST_LIMIT_EXCEEDED\"}]")));
        org.stubFor(patch(urlEqualTo(CLAIM_PATH + claim)).inScenario(claim).whenScenarioStateIs("later")
                .willReturn(json(201, "{\"id\":\"a0B5e00000AbCdEAAV\",\"success\":true,\"errors\":[],\"created\":true}")));
        accept(Claims.valid(claim));

        List<LoggedRequest> calls = await().atMost(WAIT).until(() -> upsertsOf(claim), r -> r.size() == 2);
        long gapMillis = calls.get(1).getLoggedDate().getTime() - calls.get(0).getLoggedDate().getTime();
        // sync.salesforce.limit-backoff=1.5s in this profile; without it the retry would come after 100 ms
        assertThat(gapMillis, greaterThanOrEqualTo(1400L));
        assertTrue(deadLettersOf(CLAIMS, claim).isEmpty());
    }

    @Test
    void anExpiredTokenIsRenewedOnceAndTheRequestReplayed() {
        String claim = Claims.newClaimNumber();
        // warm up: the app holds the first token
        String warm = Claims.newClaimNumber();
        accept(Claims.valid(warm));
        await().atMost(WAIT).until(() -> upsertsOf(warm).size() == 1);
        int logins = org.findAll(postRequestedFor(urlEqualTo(TOKEN))).size();
        long published = publishedCount(CLAIMS);

        org.stubFor(post(urlEqualTo(TOKEN)).atPriority(1).willReturn(token("00D5e000000TOKEN!AQ4AQRenewed")));
        org.stubFor(patch(urlEqualTo(CLAIM_PATH + claim)).atPriority(1)
                .withHeader("Authorization", equalTo("Bearer 00D5e000000TOKEN!AQ4AQFirst"))
                .willReturn(json(401, "[{\"message\":\"Session expired or invalid\",\"errorCode\":\"INVALID_SESSION_ID\"}]")));
        accept(Claims.valid(claim));

        List<LoggedRequest> upserts = await().atMost(WAIT).until(() -> upsertsOf(claim), r -> r.size() == 2);
        assertEquals("Bearer 00D5e000000TOKEN!AQ4AQRenewed", upserts.get(1).getHeader("Authorization"));
        assertEquals(logins + 1, org.findAll(postRequestedFor(urlEqualTo(TOKEN))).size(), "one re-authentication");
        await().atMost(WAIT).until(() -> publishedCount(CLAIMS) > published);
        assertTrue(deadLettersOf(CLAIMS, claim).isEmpty());
    }

    @Test
    void underTheApiReserveABatchFlowHoldsWhileARealTimeFlowContinues() {
        String before = Claims.newClaimNumber();
        org.stubFor(patch(urlEqualTo(CLAIM_PATH + before)).atPriority(1).willReturn(json(201,
                "{\"id\":\"a0B5e00000AbCdEAAV\",\"success\":true,\"errors\":[],\"created\":true}")
                .withHeader("Sforce-Limit-Info", "api-usage=99500/100000")));
        org.stubFor(get(urlPathMatching(API + "/limits/?")).atPriority(1).willReturn(limits(500, 100_000)));
        accept(Claims.valid(before));
        await().atMost(WAIT).until(() -> upsertsOf(before).size() == 1);

        String prefix = RiskFiles.newPrefix();
        String name = "held-" + prefix + ".csv";
        SyncData.drop(RISK, name, RiskFiles.csv(prefix, 10, Set.of()));
        await().atMost(WAIT).until(() -> "held".equals(flow(RISK).path("target").path("salesforce").path("publishing").asText()));
        JsonNode risk = flow(RISK).path("target").path("salesforce");
        assertEquals(500, risk.path("apiRemaining").asLong());
        assertEquals("non-critical", risk.path("priority").asText());
        assertEquals("Risk_Record__c", risk.path("sobject").asText());
        assertEquals("Risk_Record_Id__c", risk.path("externalIdField").asText());
        assertEquals(1000, risk.path("apiReserve").asLong());
        assertEquals("critical", flow(CLAIMS).path("target").path("salesforce").path("priority").asText());
        assertThat(api().get("/q/metrics").then().statusCode(200).extract().asString(),
                containsString("syncline_salesforce_api_remaining 500.0"));

        String during = Claims.newClaimNumber();
        accept(Claims.valid(during));
        await().atMost(WAIT).until(() -> upsertsOf(during).size() == 1);
        assertTrue(collectionRequests(prefix).isEmpty(), "the batch flow held its publishing");
        assertEquals("held", flow(RISK).path("target").path("salesforce").path("publishing").asText());

        org.stubFor(get(urlPathMatching(API + "/limits/?")).atPriority(1).willReturn(limits(60_000, 100_000)));
        JsonNode report = await().atMost(WAIT).until(() -> SyncData.report(RISK, name), r -> r.isPresent()).get();
        assertEquals(10, report.path("published").asLong());
        assertEquals("publishing", flow(RISK).path("target").path("salesforce").path("publishing").asText());
    }

    /** The assertion is what Salesforce checks: RS256 over header and claims, by the connected app's key. */
    private void assertJwtBearerAssertion(String tokenRequest) throws Exception {
        String assertion = Arrays.stream(tokenRequest.split("&")).filter(p -> p.startsWith("assertion="))
                .map(p -> URLDecoder.decode(p.substring("assertion=".length()), StandardCharsets.UTF_8))
                .findFirst().orElseThrow();
        String[] parts = assertion.split("\\.");
        Base64.Decoder base64 = Base64.getUrlDecoder();
        assertEquals("RS256", JSON.readTree(base64.decode(parts[0])).path("alg").asText());
        JsonNode claims = JSON.readTree(base64.decode(parts[1]));
        assertEquals(SalesforceOrgResource.CLIENT_ID, claims.path("iss").asText());
        assertEquals(SalesforceOrgResource.USERNAME, claims.path("sub").asText());
        assertEquals(org.baseUrl(), claims.path("aud").asText());
        assertTrue(claims.path("exp").asLong() > System.currentTimeMillis() / 1000 - 60);

        KeyStore keystore = KeyStore.getInstance("PKCS12");
        Config config = ConfigProvider.getConfig();
        char[] password = config.getValue("sync.salesforce.keystore-password", String.class).toCharArray();
        try (InputStream in = Files.newInputStream(Path.of(config.getValue("sync.salesforce.keystore-path", String.class)))) {
            keystore.load(in, password);
        }
        Signature rs256 = Signature.getInstance("SHA256withRSA");
        rs256.initVerify(keystore.getCertificate(keystore.aliases().nextElement()).getPublicKey());
        rs256.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
        assertTrue(rs256.verify(base64.decode(parts[2])), "signed with the keystore's private key");
    }

    // --- what a user sees --------------------------------------------------------------------------------------

    /** Every call to Syncline's own API goes through here, so credentials can be added in one place. */
    static RequestSpecification api() {
        return given();
    }

    private static void accept(String claim) {
        api().contentType("application/json").body(claim).post("/webhooks/" + CLAIMS).then().statusCode(202);
    }

    private static JsonNode flow(String id) {
        return readTree(api().get("/api/flows/" + id).then().statusCode(200).extract().asString());
    }

    private static long publishedCount(String id) {
        return flow(id).path("counters").path("published").asLong();
    }

    private List<LoggedRequest> upsertsOf(String claim) {
        return org.findAll(patchRequestedFor(urlEqualTo(CLAIM_PATH + claim)));
    }

    private List<LoggedRequest> collectionRequests(String prefix) {
        return org.findAll(patchRequestedFor(urlPathEqualTo(RISK_COLLECTION)).withRequestBody(containing(prefix)));
    }

    private static List<JsonNode> deadLettersOf(String flow, String key) {
        return SyncData.deadLetters(flow).stream().filter(d -> key.equals(d.path("key").asText())).toList();
    }

    private static List<JsonNode> deadLettersWithPrefix(String flow, String prefix) {
        return SyncData.deadLetters(flow).stream().filter(d -> d.path("key").asText().startsWith(prefix)).toList();
    }

    private static long runs(List<String> values) {
        long runs = 0;
        for (int i = 0; i < values.size(); i++) {
            if (i == 0 || !values.get(i).equals(values.get(i - 1))) {
                runs++;
            }
        }
        return runs;
    }

    private static JsonNode readTree(String json) {
        try {
            return JSON.readTree(json);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** The token endpoint's answer to a JWT bearer grant (no refresh token), as Salesforce's OAuth guide shows. */
    private com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder token(String accessToken) {
        return json(200, """
                {"access_token":"%s","scope":"api","instance_url":"%s",
                 "id":"https://login.salesforce.com/id/00D5e000000AbCdEAK/0055e000001AbCdAAK","token_type":"Bearer"}"""
                .formatted(accessToken, org.baseUrl()));
    }

    private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder limits(long remaining, long max) {
        return json(200, """
                {"DailyApiRequests":{"Max":%d,"Remaining":%d},"DailyBulkV2QueryJobs":{"Max":10000,"Remaining":10000}}"""
                .formatted(max, remaining)).withHeader("Sforce-Limit-Info", "api-usage=%d/%d".formatted(max - remaining, max));
    }

    private static String jobState(String job, String state, long processed, long failed) {
        return """
                {"id":"%s","operation":"upsert","object":"Risk_Record__c","createdById":"0055e000001AbCdAAK",
                 "createdDate":"2026-11-28T10:00:00.000+0000","systemModstamp":"2026-11-28T10:00:05.000+0000",
                 "state":"%s","externalIdFieldName":"Risk_Record_Id__c","concurrencyMode":"Parallel","contentType":"CSV",
                 "apiVersion":61.0,"jobType":"V2Ingest","lineEnding":"LF","columnDelimiter":"COMMA",
                 "numberRecordsProcessed":%d,"numberRecordsFailed":%d,"retries":0,"totalProcessingTime":1200,
                 "apiActiveProcessingTime":900,"apexProcessingTime":0}""".formatted(job, state, processed, failed);
    }

    private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder json(int status, String body) {
        return aResponse().withStatus(status).withHeader("Content-Type", "application/json;charset=UTF-8").withBody(body);
    }

    @SuppressWarnings("unused")
    private List<LoggedRequest> unmatched() {
        return org.findAll(anyRequestedFor(anyUrl())).stream().filter(r -> !r.getUrl().isEmpty()).toList();
    }
}
