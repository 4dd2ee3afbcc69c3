package io.syncline.state;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

import org.eclipse.microprofile.config.spi.ConfigSource;

import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.common.MapBackedConfigSource;

/**
 * Points the Quarkus datasources at the state database from Syncline's own keys: without {@code sync.state.jdbc-url}
 * the default (H2) datasource opens {@code ${sync.data-dir}/state/versions} (an absolute path, which H2 requires), and
 * the {@code postgresql} datasource stays inactive; with a {@code jdbc:postgresql:} URL the {@code postgresql}
 * datasource takes it (and {@code sync.state.username}/{@code password}) and the H2 one is switched off. Its ordinal is
 * below application.properties, so a {@code quarkus.datasource.*} key set there or in the environment still wins.
 */
public class StateDatabaseConfig implements ConfigSourceFactory {

    /** The named datasource of a shared PostgreSQL state store. */
    public static final String POSTGRESQL = "postgresql";
    static final int ORDINAL = 200;

    /** Whether {@code sync.state.jdbc-url} names a PostgreSQL store the instances share (else: the embedded H2). */
    public static boolean sharedPostgresql(String url) {
        return url != null && url.startsWith("jdbc:postgresql:");
    }

    @Override
    public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
        Map<String, String> properties = new HashMap<>();
        String url = value(context, "sync.state.jdbc-url");
        if (sharedPostgresql(url)) {
            properties.put("quarkus.datasource.active", "false");
            properties.put("quarkus.datasource." + POSTGRESQL + ".jdbc.url", url);
            String user = value(context, "sync.state.username");
            String password = value(context, "sync.state.password");
            if (user != null) {
                properties.put("quarkus.datasource." + POSTGRESQL + ".username", user);
            }
            if (password != null) {
                properties.put("quarkus.datasource." + POSTGRESQL + ".password", password);
            }
        } else {
            String dataDir = value(context, "sync.data-dir");
            properties.put("quarkus.datasource.jdbc.url", url != null ? url : h2Url(dataDir == null ? "data" : dataDir));
        }
        return List.of(new MapBackedConfigSource("Syncline state database (sync.state.*)", properties, ORDINAL) {
        });
    }

    /**
     * The embedded store of a single instance. {@code WRITE_DELAY=0}: a commit is in the file when it returns, so a
     * checkpoint or a version survives {@code kill -9} (H2 otherwise writes what was committed up to half a second later).
     * {@code QUERY_CACHE_SIZE=64}: each connection keeps the statements it parsed; with H2's 8 a chunk's version write
     * and read, whose text depends on the chunk's size, were parsed anew for nearly every chunk (docs/benchmarks.md).
     */
    public static String h2Url(String dataDir) {
        return "jdbc:h2:file:" + Path.of(dataDir, "state", "versions").toAbsolutePath()
                + ";DB_CLOSE_ON_EXIT=FALSE;WRITE_DELAY=0;QUERY_CACHE_SIZE=64";
    }

    private static String value(ConfigSourceContext context, String name) {
        ConfigValue value = context.getValue(name);
        return value == null || value.getValue() == null || value.getValue().isBlank() ? null : value.getValue();
    }

    @Override
    public OptionalInt getPriority() {
        return OptionalInt.of(ORDINAL);
    }
}
