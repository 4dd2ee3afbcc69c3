package io.syncline.validation;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonMetaSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.NonValidationKeyword;
import com.networknt.schema.PathType;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;

/** Loads {@code schemas/<flow-id>.schema.json} from the classpath once per flow. */
@ApplicationScoped
@Named("flowSchemas")
public class FlowSchemas {

    /** Syncline's own keywords: facts about the record, not constraints on it. */
    static final List<String> SYNCLINE_KEYWORDS = List.of("x-key", "x-source-timestamp", "x-sensitive");

    private final ObjectMapper mapper;
    private final JsonSchemaFactory factory;
    private final SchemaValidatorsConfig validatorsConfig;
    private final Map<String, FlowSchema> schemas = new ConcurrentHashMap<>();

    public FlowSchemas(ObjectMapper mapper) {
        this.mapper = mapper;
        JsonMetaSchema.Builder meta = JsonMetaSchema.builder(JsonMetaSchema.getV202012());
        SYNCLINE_KEYWORDS.forEach(keyword -> meta.keyword(new NonValidationKeyword(keyword)));
        JsonMetaSchema metaSchema = meta.build();
        this.factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012, b -> b.metaSchema(metaSchema));
        this.validatorsConfig = SchemaValidatorsConfig.builder()
                .pathType(PathType.JSON_POINTER)
                .formatAssertionsEnabled(true)
                .build();
    }

    public FlowSchema forFlow(String flowId) {
        return schemas.computeIfAbsent(flowId, this::load);
    }

    /** The flow's JSON Schema as written (a copy), to publish it, e.g. in the OpenAPI document. */
    public JsonNode document(String flowId) {
        return forFlow(flowId).document.deepCopy();
    }

    private FlowSchema load(String flowId) {
        String resource = "schemas/" + flowId + ".schema.json";
        InputStream in = Thread.currentThread().getContextClassLoader().getResourceAsStream(resource);
        if (in == null) {
            throw new IllegalStateException("no schema at " + resource);
        }
        try (in) {
            JsonNode node = mapper.readTree(in);
            return new FlowSchema(flowId, factory.getSchema(node, validatorsConfig), node);
        } catch (IOException e) {
            throw new IllegalStateException("schema " + resource + " is not readable JSON: " + e.getMessage(), e);
        } catch (IllegalStateException e) {
            throw new IllegalStateException("schema " + resource + ": " + e.getMessage(), e);
        }
    }
}
