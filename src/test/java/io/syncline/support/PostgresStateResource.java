package io.syncline.support;

import java.sql.SQLException;
import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * A fresh database on the machine's PostgreSQL as the profile's shared state store ({@code sync.state.jdbc-url}),
 * migrated by the application at start-up as a deployment's is, and dropped when the profile stops.
 */
public class PostgresStateResource implements QuarkusTestResourceLifecycleManager {

    private StateDatabases.Postgres database;

    @Override
    public Map<String, String> start() {
        try {
            database = StateDatabases.Postgres.unmigrated();
        } catch (SQLException e) {
            throw new IllegalStateException("No database on the local PostgreSQL (" + StateDatabases.POSTGRES_SERVER + ")", e);
        }
        return Map.of("sync.state.jdbc-url", database.url(), "sync.state.username", "postgres");
    }

    @Override
    public void stop() {
        if (database == null) {
            return;
        }
        try {
            database.close();
        } catch (SQLException e) {
            throw new IllegalStateException("The test database was not dropped", e);
        }
    }
}
