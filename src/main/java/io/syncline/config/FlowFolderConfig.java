package io.syncline.config;

import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

import org.eclipse.microprofile.config.spi.ConfigSource;

import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.common.MapBackedConfigSource;

/**
 * The flow folders as configuration: each folder's {@code flow.properties} as {@code sync.flows.<id>.*}, and the routes
 * Camel loads. Its ordinal is below application.properties, so a key set there, in the environment
 * ({@code SYNC_FLOWS_<ID>_<KEY>}) or as a system property still wins over the folder's.
 */
public class FlowFolderConfig implements ConfigSourceFactory {

    static final int ORDINAL = 200;
    static final String SOURCE_NAME = "Syncline flow folders";

    @Override
    public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
        ConfigValue dir = context.getValue(FlowFolders.FLOWS_DIR);
        Optional<String> flowsDir = Optional.ofNullable(dir == null ? null : dir.getValue());
        return List.of(new MapBackedConfigSource(SOURCE_NAME + " (flows/ and " + FlowFolders.FLOWS_DIR + ")",
                FlowFolders.configuration(FlowFolders.find(flowsDir)), ORDINAL) {
        });
    }

    @Override
    public OptionalInt getPriority() {
        return OptionalInt.of(ORDINAL);
    }
}
