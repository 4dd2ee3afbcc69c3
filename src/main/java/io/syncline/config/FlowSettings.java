package io.syncline.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.spi.ConfigSource;

import io.quarkus.runtime.configuration.DurationConverter;
import io.quarkus.runtime.configuration.MemorySize;
import io.quarkus.runtime.configuration.MemorySizeConverter;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.smallrye.config.common.MapBackedConfigSource;

/**
 * The flows' settings as they are now: those SmallRye mapped at start-up, with the flows whose folder a reload read
 * again since (a flow.properties edited, a folder added or removed). The {@link SyncConfig} mapping is built once;
 * {@link SyncConfig#flows()} reads through here, so every reader of a flow's settings (targets, intakes, freshness, the
 * catalog, the contract) sees a reload, and so do the routes' {@code {{sync.flows.<id>.*}}} placeholders
 * ({@link ConfigPlaceholders}), which a reload resolves again when it rebuilds the flow's routes.
 * <p>
 * A flow read again is mapped through a configuration of its own: every source of the running one (application
 * properties, the environment, system properties, with the same profiles) but with the flow's folder read afresh in
 * place of the folder source of start-up, at the same ordinal, so a key set in application.properties, the
 * environment or with {@code -D} still wins over the folder's.
 * <p>
 * Held statically because the mapping is: it belongs to the running application's mapping (checked by identity), so
 * the offline check's mappings and an application started after this one never see another's reloads.
 */
public final class FlowSettings {

    private record Live(Map<String, SyncConfig.Flow> mapped, Config running, Map<String, SyncConfig.Flow> flows,
            Map<String, Config> reread) {
    }

    private static final String FLOW_KEYS = "sync.flows.";

    private static volatile Live live;

    private FlowSettings() {
    }

    /** The flows of {@code mapped} (a start-up mapping), with the reloads of the application that mapped them. */
    static Map<String, SyncConfig.Flow> current(Map<String, SyncConfig.Flow> mapped) {
        Live now = live;
        return now != null && now.mapped() == mapped ? now.flows() : mapped;
    }

    /**
     * The configuration that answers {@code key}: for a {@code sync.flows.<id>.*} key of a flow read again, that
     * flow's own; otherwise {@code running} (the running application's {@link SmallRyeConfig}).
     */
    static Config answering(String key, Config running) {
        Live now = live;
        if (now == null || now.running() != running || !key.startsWith(FLOW_KEYS)) {
            return running;
        }
        int end = key.indexOf('.', FLOW_KEYS.length());
        Config flow = end < 0 ? null : now.reread().get(key.substring(FLOW_KEYS.length(), end));
        return flow == null ? running : flow;
    }

    /**
     * Reads {@code flowId}'s settings again from {@code folder} (empty: the flow is gone) and makes them the flow's
     * settings now. Returns what undoes it. Throws, changing nothing, when the settings cannot be mapped.
     *
     * @param config the running application's mapping
     * @param running the running application's configuration (the {@link Config} bean)
     */
    public static synchronized Runnable reread(SyncConfig config, Config running, String flowId, Optional<FlowFolders.Folder> folder) {
        SmallRyeConfig runningConfig = running.unwrap(SmallRyeConfig.class);
        SmallRyeConfig own = configuration(runningConfig, folder.map(f -> FlowFolders.configuration(Map.of(f.id(), f))).orElse(Map.of()));
        SyncConfig.Flow settings = folder.isPresent() ? own.getConfigMapping(SyncConfig.class).flowsAtStartUp().get(flowId) : null;
        Map<String, SyncConfig.Flow> mapped = config.flowsAtStartUp();
        Live before = live != null && live.mapped() == mapped ? live
                : new Live(mapped, runningConfig, Map.copyOf(mapped), Map.of());
        Map<String, SyncConfig.Flow> flows = new HashMap<>(before.flows());
        if (settings == null) {
            flows.remove(flowId);
        } else {
            flows.put(flowId, settings);
        }
        Map<String, Config> reread = new HashMap<>(before.reread());
        reread.put(flowId, own);
        live = new Live(mapped, runningConfig, Map.copyOf(flows), Map.copyOf(reread));
        return () -> {
            synchronized (FlowSettings.class) {
                live = before;
            }
        };
    }

    /** The running configuration's sources, the folder source of start-up replaced by {@code folderSettings}. */
    private static SmallRyeConfig configuration(SmallRyeConfig config, Map<String, String> folderSettings) {
        List<ConfigSource> sources = new ArrayList<>();
        boolean replaced = false;
        for (ConfigSource source : config.getConfigSources()) {
            if (source.getName().startsWith(FlowFolderConfig.SOURCE_NAME)) {
                replaced = true;
            } else {
                sources.add(source);
            }
        }
        if (!replaced) {
            throw new IllegalStateException("the flow folders' configuration source was not found among the running ones");
        }
        sources.add(new MapBackedConfigSource(FlowFolderConfig.SOURCE_NAME + ", read again", folderSettings,
                FlowFolderConfig.ORDINAL) {
        });
        return builder(sources).withProfiles(config.getProfiles()).addDefaultInterceptors().build();
    }

    /** A configuration that maps {@link SyncConfig} from {@code sources} with the converters Quarkus gives it. */
    public static SmallRyeConfigBuilder builder(List<ConfigSource> sources) {
        return new SmallRyeConfigBuilder().withMapping(SyncConfig.class)
                .withConverter(Duration.class, 200, new DurationConverter())
                .withConverter(MemorySize.class, 200, new MemorySizeConverter())
                .withSources(sources.toArray(ConfigSource[]::new));
    }
}
