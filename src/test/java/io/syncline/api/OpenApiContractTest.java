package io.syncline.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.inject.Inject;

import org.apache.camel.CamelContext;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.syncline.support.EmbeddedDefaults;
import io.syncline.support.Examples;
import io.syncline.support.Users;

/**
 * {@code /q/openapi}: the operations API and every flow's webhook with that flow's JSON Schema as its body and the
 * webhook's answers, open like the wellness checks, shown by Swagger UI, and following the webhooks that run.
 */
@QuarkusTest
@TestProfile(EmbeddedDefaults.class)
class OpenApiContractTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final List<String> ANSWERS = List.of("202", "400", "401", "409", "413", "415", "503");

    @Inject
    CamelContext camel;

    @Test
    void everyWebhookIsDescribedWithItsSchemaAndAnswers() throws Exception {
        JsonNode document = document();
        assertTrue(document.path("openapi").asText().startsWith("3.1"), "OpenAPI 3.1 (JSON Schema 2020-12 schemas)");
        List<String> webhookFlows = webhookFlows();
        assertTrue(webhookFlows.contains("insurance-claims"), webhookFlows.toString());

        for (String flow : Examples.configuredFlows()) {
            JsonNode post = document.path("paths").path("/webhooks/" + flow).path("post");
            if (!webhookFlows.contains(flow)) {
                assertTrue(post.isMissingNode(), flow + " takes no webhooks now, yet the document lists one");
                continue;
            }
            assertFalse(post.isMissingNode(), "no POST /webhooks/" + flow);
            assertEquals("#/components/schemas/" + flow,
                    post.path("requestBody").path("content").path("application/json").path("schema").path("$ref").asText());
            for (String status : ANSWERS) {
                assertTrue(post.path("responses").has(status), flow + " answers " + status);
            }
            assertEquals("#/components/schemas/Problem", post.path("responses").path("400").path("content")
                    .path("application/problem+json").path("schema").path("$ref").asText());
            List<String> headers = new ArrayList<>();
            post.path("parameters").forEach(p -> headers.add(p.path("in").asText() + ":" + p.path("name").asText()));
            assertTrue(headers.containsAll(List.of("header:Idempotency-Key", "header:X-Syncline-Signature")), headers.toString());

            JsonNode embedded = document.path("components").path("schemas").path(flow);
            JsonSchema schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012)
                    .getSchema(embedded, SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build());
            assertEquals(Set.of(), schema.validate(JSON.readTree(Examples.text(flow, "valid.json"))), flow + " valid example");
            assertFalse(schema.validate(JSON.readTree(Examples.text(flow, "invalid.json"))).isEmpty(),
                    flow + " invalid example passes the schema in the document");
            assertEquals(Examples.schema(flow), embedded, flow + ": the schema in the document is the flow's schema");
        }
        JsonNode problem = document.path("components").path("schemas").path("Problem").path("properties");
        assertTrue(problem.has("errors") && problem.has("status") && problem.has("type"), problem.toString());
    }

    @Test
    void theOperationsApiIsDescribed() throws Exception {
        JsonNode paths = document().path("paths");
        for (String path : List.of("/api/flows", "/api/flows/{id}", "/api/flows/{id}/run", "/api/flows/{id}/pause",
                "/api/dead-letters", "/api/dead-letters/{id}", "/api/dead-letters/{id}/replay", "/api/dead-letters/replay")) {
            assertTrue(paths.has(path), "no " + path);
        }
        assertTrue(paths.path("/api/dead-letters/{id}").has("delete"));
        assertTrue(paths.path("/api/flows/{id}/run").path("post").path("responses").has("409"));
        JsonNode document = document();
        assertEquals("basic", document.path("components").path("securitySchemes").path("basic").path("scheme").asText());
        assertTrue(paths.path("/api/flows").path("get").path("security").toString().contains("basic"));
        // a webhook is authenticated by its signature, never by a Syncline user
        assertTrue(paths.path("/webhooks/insurance-claims").path("post").path("security").isMissingNode());
    }

    @Test
    void swaggerUiShowsTheDocumentWithoutSigningIn() {
        Users.anonymous().get("/q/swagger-ui/").then().statusCode(200).body(containsString("swagger-ui"));
        Users.anonymous().get("/q/openapi").then().statusCode(200).body(containsString("/webhooks/insurance-claims"));
    }

    /** The document is made on each request: a webhook route taken away leaves it, one added appears. */
    @Test
    void theDocumentFollowsTheWebhooksThatRun() throws Exception {
        String flow = "retail-loyalty-tiers";
        String routeId = flow + "-webhook";
        assertTrue(document().path("paths").has("/webhooks/" + flow));
        camel.getRouteController().stopRoute(routeId);
        camel.removeRoute(routeId);
        try {
            assertFalse(document().path("paths").has("/webhooks/" + flow));
        } finally {
            camel.addRouteFromTemplate(routeId, "webhook-intake", Map.of("flowId", flow, "activeIn", "realtime"));
        }
        assertTrue(document().path("paths").has("/webhooks/" + flow));
        given().contentType("application/json").body(Examples.text(flow, "valid.json")).post("/webhooks/" + flow)
                .then().statusCode(202);
    }

    private static JsonNode document() throws Exception {
        return JSON.readTree(Users.anonymous().queryParam("format", "json").get("/q/openapi").then().statusCode(200)
                .extract().asString());
    }

    /** The flows whose catalog entry lists a webhook intake now. */
    private static List<String> webhookFlows() {
        List<String> flows = new ArrayList<>();
        for (Map<String, Object> flow : given().get("/api/flows").then().statusCode(200).body("id", hasItem("insurance-claims"))
                .extract().jsonPath().<Map<String, Object>>getList("")) {
            if (((List<?>) flow.get("intakes")).contains("webhook") && !"disabled".equals(flow.get("state"))) {
                flows.add((String) flow.get("id"));
            }
        }
        return flows;
    }
}
