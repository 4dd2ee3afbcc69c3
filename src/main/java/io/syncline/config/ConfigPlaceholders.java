package io.syncline.config;

import jakarta.inject.Singleton;

import org.apache.camel.Ordered;
import org.apache.camel.spi.PropertiesSource;
import org.eclipse.microprofile.config.Config;

import io.quarkus.arc.Unremovable;

/**
 * Camel's {@code {{…}}} placeholders, answered straight from Quarkus' configuration, ahead of Camel Quarkus' own
 * source. That source is "loadable", and on every placeholder it resolves Camel 4.17 loads all of the configuration
 * again to learn where the value came from (DefaultPropertiesLookup): with 34 routes from templates that was a third of
 * the start-up's main thread. This source is not loadable, so a lookup is one lookup; what Camel loads in bulk
 * ({@code camel.component.*} and the like) still comes from Camel Quarkus' source.
 */
@Singleton
@Unremovable
public class ConfigPlaceholders implements PropertiesSource, Ordered {

    private final Config config;

    ConfigPlaceholders(Config config) {
        this.config = config.unwrap(io.smallrye.config.SmallRyeConfig.class);
    }

    @Override
    public String getName() {
        return "syncline-config";
    }

    @Override
    public String getProperty(String name) {
        // an empty value counts as unset, as in Camel Quarkus' own source: {{key:default}} then takes its default
        // a flow whose folder was reloaded answers from its settings as read again (FlowSettings)
        return FlowSettings.answering(name, config).getOptionalValue(name, String.class).orElse(null);
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST;
    }
}
