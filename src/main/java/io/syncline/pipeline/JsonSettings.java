package io.syncline.pipeline;

import jakarta.inject.Singleton;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

import io.quarkus.jackson.ObjectMapperCustomizer;
import io.syncline.config.SyncConfig;

/**
 * Amounts pass through exactly as the source wrote them (4820.50 stays 4820.50, never a binary double), and no
 * document may nest deeper or carry longer strings than {@code sync.limits.*} allow.
 */
@Singleton
public class JsonSettings implements ObjectMapperCustomizer {

    private final SyncConfig config;

    JsonSettings(SyncConfig config) {
        this.config = config;
    }

    @Override
    public void customize(ObjectMapper mapper) {
        mapper.enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
        // one document per body or line, and no key twice: anything else is ambiguous, so refused
        mapper.enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        mapper.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
        mapper.setNodeFactory(JsonNodeFactory.withExactBigDecimals(true));
        mapper.getFactory().setStreamReadConstraints(constraints(config.limits()));
    }

    public static StreamReadConstraints constraints(SyncConfig.Limits limits) {
        return StreamReadConstraints.builder()
                .maxNestingDepth(limits.jsonMaxDepth())
                .maxStringLength(limits.maxStringLength())
                .maxNumberLength(100)
                .build();
    }
}
