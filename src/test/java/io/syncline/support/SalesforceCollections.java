package io.syncline.support;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;

/**
 * Salesforce's answer to an sObject Collections upsert ({@code PATCH /composite/sobjects/{object}/{externalIdField}}):
 * HTTP 200 and one result per record sent, in the order sent, as the REST API Developer Guide shows. A record whose
 * external id was made to {@link #fail} gets {@code success:false} with that error; one made to be
 * {@link #lockedFor locked} gets UNABLE_TO_LOCK_ROW that many times first; an external id sent twice in one request
 * fails both times with DUPLICATE_EXTERNAL_ID.
 */
public class SalesforceCollections implements ResponseDefinitionTransformerV2 {

    public static final String NAME = "salesforce-collections";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, String[]> FAILURES = new ConcurrentHashMap<>();
    private static final Map<String, AtomicInteger> LOCKED = new ConcurrentHashMap<>();

    private final String externalIdField;

    public SalesforceCollections(String externalIdField) {
        this.externalIdField = externalIdField;
    }

    public static void fail(String externalId, String statusCode, String message, String field) {
        FAILURES.put(externalId, new String[] { statusCode, message, field });
    }

    public static void lockedFor(String externalId, int times) {
        LOCKED.put(externalId, new AtomicInteger(times));
    }

    public static void reset() {
        FAILURES.clear();
        LOCKED.clear();
    }

    @Override
    public ResponseDefinition transform(ServeEvent serveEvent) {
        try {
            JsonNode request = JSON.readTree(serveEvent.getRequest().getBodyAsString());
            ArrayNode results = JSON.createArrayNode();
            int n = 0;
            // the external id field is the last segment of /composite/sobjects/{object}/{externalIdField}
            String path = serveEvent.getRequest().getUrl().replaceAll("\\?.*", "");
            String idField = path.contains("/composite/sobjects/") ? path.substring(path.lastIndexOf('/') + 1) : externalIdField;
            Map<String, Integer> occurrences = new java.util.HashMap<>();
            request.path("records").forEach(r -> occurrences.merge(r.path(idField).asText(), 1, Integer::sum));
            for (JsonNode record : request.path("records")) {
                String externalId = record.path(idField).asText();
                ObjectNode result = results.addObject();
                String[] failure = FAILURES.get(externalId);
                if (occurrences.get(externalId) > 1) {
                    // as Salesforce does: every item of an external id that occurs twice in one request fails
                    failure = new String[] { "DUPLICATE_EXTERNAL_ID", "Duplicate external id specified: " + externalId, null };
                }
                AtomicInteger locks = LOCKED.get(externalId);
                if (locks != null && locks.getAndDecrement() > 0) {
                    failure = new String[] { "UNABLE_TO_LOCK_ROW", "unable to obtain exclusive access to this record", null };
                }
                if (failure == null) {
                    result.put("id", "a0B5e0000%07dAAA".formatted(n++));
                    result.put("success", true);
                    result.putArray("errors");
                    result.put("created", true);
                } else {
                    result.put("success", false);
                    ObjectNode error = result.putArray("errors").addObject();
                    error.put("statusCode", failure[0]);
                    error.put("message", failure[1]);
                    ArrayNode fields = error.putArray("fields");
                    if (failure[2] != null) {
                        fields.add(failure[2]);
                    }
                }
            }
            return ResponseDefinitionBuilder.like(serveEvent.getResponseDefinition()).but()
                    .withStatus(200).withHeader("Content-Type", "application/json;charset=UTF-8")
                    .withBody(JSON.writeValueAsString(results)).build();
        } catch (Exception e) {
            return ResponseDefinitionBuilder.like(serveEvent.getResponseDefinition()).but().withStatus(500)
                    .withBody(e.toString()).build();
        }
    }

    @Override
    public boolean applyGlobally() {
        return false;
    }

    @Override
    public String getName() {
        return NAME;
    }
}
