package io.syncline.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;

/** Which datasource the state store gets, from the keys a user sets. */
class StateDatabaseConfigTest {

    @Test
    void withoutAUrlTheEmbeddedH2OfTheDataDirectoryAndNoPostgresql() {
        SmallRyeConfig config = config(Map.of("sync.data-dir", "some/data"));
        assertEquals("jdbc:h2:file:" + Path.of("some/data/state/versions").toAbsolutePath() + ";DB_CLOSE_ON_EXIT=FALSE;WRITE_DELAY=0;QUERY_CACHE_SIZE=64",
                config.getRawValue("quarkus.datasource.jdbc.url"));
        assertNull(config.getRawValue("quarkus.datasource.postgresql.jdbc.url"));
        assertNull(config.getRawValue("quarkus.datasource.active"));
    }

    @Test
    void aPostgresqlUrlActivatesThePostgresqlDatasourceWithItsCredentialsAndSwitchesH2Off() {
        SmallRyeConfig config = config(Map.of("sync.state.jdbc-url", "jdbc:postgresql://db:5432/syncline",
                "sync.state.username", "syncline", "sync.state.password", "secret"));
        assertEquals("false", config.getRawValue("quarkus.datasource.active"));
        assertEquals("jdbc:postgresql://db:5432/syncline", config.getRawValue("quarkus.datasource.postgresql.jdbc.url"));
        assertEquals("syncline", config.getRawValue("quarkus.datasource.postgresql.username"));
        assertEquals("secret", config.getRawValue("quarkus.datasource.postgresql.password"));
        assertNull(config.getRawValue("quarkus.datasource.jdbc.url"));
    }

    @Test
    void aQuarkusDatasourceKeySetByTheUserWins() {
        SmallRyeConfig config = config(Map.of("sync.state.jdbc-url", "jdbc:postgresql://db:5432/syncline",
                "quarkus.datasource.postgresql.jdbc.url", "jdbc:postgresql://other:5432/syncline"));
        assertEquals("jdbc:postgresql://other:5432/syncline", config.getRawValue("quarkus.datasource.postgresql.jdbc.url"));
    }

    /** The user's keys at the ordinal of application.properties, and the factory. */
    private static SmallRyeConfig config(Map<String, String> keys) {
        return new SmallRyeConfigBuilder().withSources(new PropertiesConfigSource(keys, "user", 250))
                .withSources(new StateDatabaseConfig()).build();
    }
}
