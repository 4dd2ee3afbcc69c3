package io.syncline.freshness;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.config.MeterFilter;
import io.syncline.config.SyncConfig;

/**
 * Several instances sharing a state store each count what they did: every meter carries the tag {@code instance}
 * ({@code sync.instance-id}), so Prometheus keeps their series apart and {@code sum without (instance)} adds them up.
 * One instance on its embedded store (and no {@code sync.instance-id}) keeps its series as they were.
 */
@ApplicationScoped
public class InstanceTag {

    @Produces
    @Singleton
    MeterFilter instanceTag(SyncConfig config) {
        boolean clustered = config.instanceIdSetting().isPresent()
                || config.state().jdbcUrl().filter(url -> url.startsWith("jdbc:postgresql:")).isPresent();
        return clustered ? MeterFilter.commonTags(Tags.of("instance", config.instanceId())) : new MeterFilter() {
        };
    }
}
