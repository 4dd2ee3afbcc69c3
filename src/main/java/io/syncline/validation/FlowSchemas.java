package io.syncline.validation;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonMetaSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.NonValidationKeyword;
import com.networknt.schema.PathType;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;

import io.syncline.config.FlowFolders;
import io.syncline.config.SyncConfig;

/** Loads each flow's {@code schema.json} from its folder (in the jar, or in {@code sync.flows-dir}) once per flow. */
@ApplicationScoped
@Named("flowSchemas")
public class FlowSchemas {

    /** Syncline's own keywords: facts about the record, not constraints on it. */
    static final List<String> SYNCLINE_KEYWORDS = List.of("x-key", "x-source-timestamp", "x-sensitive");

    private final ObjectMapper mapper;
    private final JsonSchemaFactory factory;
    private final SchemaValidatorsConfig validatorsConfig;
    private final Map<String, FlowSchema> schemas = new ConcurrentHashMap<>();
    private final Map<String, FlowFolders.Folder> folders;

    @Inject
    FlowSchemas(ObjectMapper mapper, SyncConfig config) {
        this(mapper, FlowFolders.find(config.flowsDir()));
    }

    /** The built-in flows' schemas only. */
    public FlowSchemas(ObjectMapper mapper) {
        this(mapper, FlowFolders.find(java.util.Optional.empty()));
    }

    /** Over the given folders: the offline check's. */
    public FlowSchemas(ObjectMapper mapper, Map<String, FlowFolders.Folder> folders) {
        this.mapper = mapper;
        this.folders = new ConcurrentHashMap<>(folders);
        JsonMetaSchema.Builder meta = JsonMetaSchema.builder(JsonMetaSchema.getV202012());
        SYNCLINE_KEYWORDS.forEach(keyword -> meta.keyword(new NonValidationKeyword(keyword)));
        meta.format(new IsoDateFormat());
        JsonMetaSchema metaSchema = meta.build();
        this.factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012, b -> b.metaSchema(metaSchema));
        // SchemaShortcut accepts records as the validator does under these settings and the defaults left (JDK regular
        // expressions, typeLoose off, no readOnly or writeOnly checks, no defaults applied): a change here is checked
        // against it by SchemaShortcutTest
        this.validatorsConfig = SchemaValidatorsConfig.builder()
                .pathType(PathType.JSON_POINTER)
                .formatAssertionsEnabled(true)
                .build();
    }

    public FlowSchema forFlow(String flowId) {
        return schemas.computeIfAbsent(flowId, this::load);
    }

    /** The folder the flow's schema comes from: in {@code sync.flows-dir}, or built in (none for an unknown flow). */
    public java.util.Optional<FlowFolders.Folder> folder(String flowId) {
        return java.util.Optional.ofNullable(folders.get(flowId));
    }

    /** Reads the flow's schema again (its folder changed); the previous one stays if the new one does not load. */
    public void reload(String flowId) {
        schemas.put(flowId, load(flowId));
    }

    /**
     * The flow's schema from now on is {@code folder}'s (a folder added to {@code sync.flows-dir} while running, or
     * the built-in one back when the folder that replaced it is removed); the previous one stays if it does not load.
     */
    public void use(FlowFolders.Folder folder) {
        FlowFolders.Folder previous = folders.put(folder.id(), folder);
        try {
            reload(folder.id());
        } catch (RuntimeException e) {
            if (previous == null) {
                folders.remove(folder.id());
            } else {
                folders.put(folder.id(), previous);
            }
            throw e;
        }
    }

    /** A flow gone with its folder: its schema is forgotten. */
    public void forget(String flowId) {
        folders.remove(flowId);
        schemas.remove(flowId);
    }

    /** The flow's JSON Schema as written (a copy), to publish it, e.g. in the OpenAPI document. */
    public JsonNode document(String flowId) {
        return forFlow(flowId).document.deepCopy();
    }

    private FlowSchema load(String flowId) {
        FlowFolders.Folder folder = folders.getOrDefault(flowId, new FlowFolders.Folder(flowId, java.util.Optional.empty()));
        String where = folder.describe(FlowFolders.SCHEMA);
        JsonNode node;
        try (InputStream in = folder.open(FlowFolders.SCHEMA).orElse(null)) {
            if (in == null) {
                throw new IllegalStateException("no schema at " + where);
            }
            node = mapper.readTree(in);
        } catch (IOException e) {
            throw new IllegalStateException("schema " + where + " is not readable JSON: " + e.getMessage(), e);
        }
        try {
            return of(flowId, node);
        } catch (RuntimeException e) {
            throw new IllegalStateException("schema " + where + ": " + e.getMessage(), e);
        }
    }

    /** A schema document as a flow's schema, under this validator's settings. */
    FlowSchema of(String flowId, JsonNode node) {
        return new FlowSchema(flowId, factory.getSchema(node, validatorsConfig), node);
    }
}
