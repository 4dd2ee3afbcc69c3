package io.syncline.api;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.Components;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.headers.Header;
import org.eclipse.microprofile.openapi.models.media.Content;
import org.eclipse.microprofile.openapi.models.media.Schema;
import org.eclipse.microprofile.openapi.models.media.Schema.SchemaType;
import org.eclipse.microprofile.openapi.models.parameters.Parameter;
import org.eclipse.microprofile.openapi.models.responses.APIResponse;
import org.eclipse.microprofile.openapi.models.responses.APIResponses;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.arc.Arc;
import io.quarkus.smallrye.openapi.OpenApiFilter;
import io.syncline.config.SyncConfig;
import io.syncline.flows.FlowCatalog;
import io.syncline.intake.Problem;
import io.syncline.intake.WebhookIntake;
import io.syncline.record.IntakeKind;
import io.syncline.security.WebhookSignature;
import io.syncline.validation.FlowSchemas;

/**
 * Adds every flow's webhook to the OpenAPI document ({@code /q/openapi}): {@code POST /webhooks/<flow-id>} with the
 * flow's JSON Schema as the request body (under {@code components/schemas/<flow-id>}) and the answers the webhook
 * intake gives. The webhooks are Camel routes, which the JAX-RS scan does not see. Run on every request for the
 * document ({@code quarkus.smallrye-openapi.always-run-filter}), so it shows the flows that take webhooks now.
 */
@OpenApiFilter(OpenApiFilter.RunStage.RUN)
public class WebhookContract implements OASFilter {

    static final String TAG = "Webhooks";
    static final String PROBLEM = "Problem";
    static final String ACCEPTED = "WebhookAccepted";

    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        SyncConfig config = Arc.container().instance(SyncConfig.class).get();
        FlowCatalog catalog = Arc.container().instance(FlowCatalog.class).get();
        FlowSchemas schemas = Arc.container().instance(FlowSchemas.class).get();

        if (openAPI.getComponents() == null) {
            openAPI.setComponents(OASFactory.createComponents());
        }
        if (openAPI.getPaths() == null) {
            openAPI.setPaths(OASFactory.createPaths());
        }
        Components components = openAPI.getComponents();
        components.addSchema(PROBLEM, problem());
        components.addSchema(ACCEPTED, accepted());
        openAPI.addTag(OASFactory.createTag().name(TAG).description("One POST per flow that takes webhooks now: the"
                + " flow's JSON Schema is the body. Answered 202 only once the event is durable in the broker."));
        for (String flowId : new TreeSet<>(config.flows().keySet())) {
            if (!takesWebhooks(config, catalog, flowId)) {
                continue;
            }
            Operation operation = operation(config, flowId);
            try {
                components.addSchema(flowId, schema(schemas.document(flowId)));
            } catch (RuntimeException unreadable) {
                // one flow's broken schema must not take the whole document down; the reason (paths, file content)
                // is for operators, in /api/flows/{id} and the log, not for whoever reads the contract
                operation.getRequestBody().getContent().getMediaType("application/json").setSchema(object());
                operation.setDescription(operation.getDescription()
                        + " Its schema cannot be read at the moment; operators see why in /api/flows/" + flowId + ".");
            }
            openAPI.getPaths().addPathItem("/webhooks/" + flowId, OASFactory.createPathItem().POST(operation));
        }
    }

    /** Enabled, and a webhook route in its current mode (the route ids are {@code <flow-id>-webhook}). */
    private static boolean takesWebhooks(SyncConfig config, FlowCatalog catalog, String flowId) {
        return config.flow(flowId).enabled()
                && catalog.routes(flowId).stream().anyMatch(route -> IntakeKind.WEBHOOK.wire().equals(FlowCatalog.intakeOf(route)));
    }

    private static Operation operation(SyncConfig config, String flowId) {
        SyncConfig.Flow flow = config.flow(flowId);
        boolean signed = flow.webhook().secret().filter(s -> !s.isBlank()).isPresent();
        boolean open = config.acceptsUnsignedWebhooks(flowId);
        SyncConfig.WebhookLimits limits = config.webhook();
        String signing = signed ? "Signed requests only (" + WebhookSignature.HEADER + ")."
                : open ? "Unsigned requests are accepted (no sync.flows." + flowId + ".webhook.secret)."
                        : "No request is accepted until sync.flows." + flowId + ".webhook.secret is set (or webhook.open=true).";
        String records = flow.dataFlow().map(d -> d + ": one").orElse("One");
        return OASFactory.createOperation()
                .operationId(flowId + "-webhook")
                .addTag(TAG)
                .summary(records + " record of flow " + flowId)
                .description("One JSON object per request, as the schema " + flowId + " describes (also as"
                        + " application/<vendor>+json). " + signing + " Mode: " + flow.mode() + ".")
                .addParameter(header(WebhookSignature.HEADER, signed, "t=<unix seconds>,v1=<hex HMAC-SHA256 of"
                        + " \"<t>.<raw body>\">; tolerance " + limits.signatureTolerance().toSeconds() + " s; several v1="
                        + " during a secret rotation. " + signing))
                .addParameter(header(WebhookIntake.IDEMPOTENCY_KEY, false, "1 to 255 characters. A repeat within "
                        + limits.idempotencyWindow() + " is answered 202 with the first event id and not enqueued twice.")
                        .schema(string().minLength(1).maxLength(255)))
                .addParameter(header("Content-Encoding", false, "gzip or deflate; the size limit applies to the"
                        + " decoded body.").schema(string().enumeration(List.<Object>of("gzip", "x-gzip", "deflate", "identity"))))
                .requestBody(OASFactory.createRequestBody().required(true).content(OASFactory.createContent()
                        .addMediaType("application/json", OASFactory.createMediaType()
                                .schema(OASFactory.createSchema().ref(flowId)))))
                .responses(responses(limits));
    }

    private static APIResponses responses(SyncConfig.WebhookLimits limits) {
        return OASFactory.createAPIResponses()
                .addAPIResponse("202", OASFactory.createAPIResponse()
                        .description("Accepted: the event is durable in the broker (or a repeat of an Idempotency-Key"
                                + " already accepted: the first event id, nothing enqueued twice)")
                        .content(OASFactory.createContent().addMediaType("application/json",
                                OASFactory.createMediaType().schema(OASFactory.createSchema().ref(ACCEPTED)))))
                .addAPIResponse("400", problem("Not a record of this flow: every field error with its JSON Pointer"
                        + " (invalid-record), malformed JSON or encoding, a limit of sync.limits.*, an unusable"
                        + " Idempotency-Key"))
                .addAPIResponse("401", problem("The signature is missing, wrong or outside the tolerance"
                        + " (invalid-signature)"))
                .addAPIResponse("409", problem("A request with this Idempotency-Key is still in progress: retry")
                        .addHeader("Retry-After", retryAfter()))
                .addAPIResponse("413", problem("The (decoded) body is over " + limits.maxBodySize().asLongValue()
                        + " bytes (sync.webhook.max-body-size)"))
                .addAPIResponse("415", problem("The Content-Type is not JSON, or the Content-Encoding is not gzip or"
                        + " deflate"))
                .addAPIResponse("422", problem("The Idempotency-Key was first used with a different body; nothing"
                        + " was accepted"))
                .addAPIResponse("500", problem("Unexpected failure; nothing was accepted: retry"))
                .addAPIResponse("503", problem("The broker is unavailable; nothing was accepted: retry")
                        .addHeader("Retry-After", retryAfter()));
    }

    private static APIResponse problem(String description) {
        return OASFactory.createAPIResponse().description(description).content(problemContent());
    }

    private static Content problemContent() {
        return OASFactory.createContent().addMediaType(Problem.MEDIA_TYPE,
                OASFactory.createMediaType().schema(OASFactory.createSchema().ref(PROBLEM)));
    }

    private static Header retryAfter() {
        return OASFactory.createHeader().description("Seconds to wait before retrying")
                .schema(OASFactory.createSchema().addType(SchemaType.INTEGER));
    }

    private static Parameter header(String name, boolean required, String description) {
        return OASFactory.createParameter().name(name).in(Parameter.In.HEADER).required(required)
                .description(description).schema(string());
    }

    private static Schema string() {
        return OASFactory.createSchema().addType(SchemaType.STRING);
    }

    /** RFC 9457, as {@link Problem} writes it. */
    private static Schema problem() {
        Schema error = object().addProperty("pointer", string().description("JSON Pointer into the record; \"\" for"
                + " the whole record")).addProperty("message", string());
        return object().description("An RFC 9457 problem (application/problem+json)")
                .addProperty("type", string().description("urn:syncline:problem:<slug>"))
                .addProperty("title", string())
                .addProperty("status", OASFactory.createSchema().addType(SchemaType.INTEGER))
                .addProperty("detail", string())
                .addProperty("flow", string())
                .addProperty("errors", OASFactory.createSchema().addType(SchemaType.ARRAY).items(error)
                        .description("Every field error of an invalid record"))
                .required(List.of("type", "title", "status"));
    }

    private static Schema accepted() {
        return object().addProperty("flow", string()).addProperty("eventId", string().format("uuid"))
                .addProperty("status", string().enumeration(List.<Object>of("accepted")))
                .required(List.of("flow", "eventId", "status"));
    }

    private static Schema object() {
        return OASFactory.createSchema().addType(SchemaType.OBJECT);
    }

    // --- a JSON Schema 2020-12 document as the OpenAPI model (OpenAPI 3.1 schemas are JSON Schema 2020-12) ---

    private static final Set<String> SCHEMA = Set.of("items", "not", "if", "then", "else", "contains", "propertyNames",
            "additionalProperties", "unevaluatedProperties", "unevaluatedItems", "contentSchema");
    private static final Set<String> SCHEMA_LIST = Set.of("allOf", "anyOf", "oneOf", "prefixItems");
    private static final Set<String> SCHEMA_MAP = Set.of("properties", "patternProperties", "dependentSchemas", "$defs");
    private static final Set<String> DECIMAL = Set.of("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum",
            "multipleOf");

    static Schema schema(JsonNode node) {
        if (node.isBoolean()) {
            return OASFactory.createSchema().booleanSchema(node.booleanValue());
        }
        Schema schema = OASFactory.createSchema();
        node.properties().forEach(field -> {
            String name = field.getKey();
            JsonNode value = field.getValue();
            if (name.equals("type")) {
                List<SchemaType> types = new ArrayList<>();
                (value.isArray() ? value : List.of(value)).forEach(t -> types.add(SchemaType.valueOf(t.asText().toUpperCase())));
                schema.setType(types);
            } else if (SCHEMA.contains(name)) {
                schema.set(name, schema(value));
            } else if (SCHEMA_LIST.contains(name)) {
                List<Schema> list = new ArrayList<>();
                value.forEach(item -> list.add(schema(item)));
                schema.set(name, list);
            } else if (SCHEMA_MAP.contains(name)) {
                Map<String, Schema> map = new LinkedHashMap<>();
                value.properties().forEach(entry -> map.put(entry.getKey(), schema(entry.getValue())));
                schema.set(name, map);
            } else if (DECIMAL.contains(name) && value.isNumber()) {
                schema.set(name, value.decimalValue());
            } else {
                schema.set(name, plain(value));
            }
        });
        return schema;
    }

    /** Any other keyword's value as plain Java values. */
    private static Object plain(JsonNode value) {
        if (value.isObject()) {
            Map<String, Object> map = new LinkedHashMap<>();
            value.properties().forEach(entry -> map.put(entry.getKey(), plain(entry.getValue())));
            return map;
        }
        if (value.isArray()) {
            List<Object> list = new ArrayList<>();
            value.forEach(item -> list.add(plain(item)));
            return list;
        }
        if (value.isIntegralNumber() && value.canConvertToInt()) {
            return value.intValue();
        }
        if (value.isNumber()) {
            return new BigDecimal(value.asText());
        }
        if (value.isBoolean()) {
            return value.booleanValue();
        }
        return value.isNull() ? null : value.asText();
    }
}
