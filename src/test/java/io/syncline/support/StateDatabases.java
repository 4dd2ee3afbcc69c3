package io.syncline.support;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

import javax.sql.DataSource;

import org.flywaydb.core.Flyway;
import org.h2.jdbcx.JdbcDataSource;
import org.postgresql.ds.PGSimpleDataSource;

import io.syncline.state.StateDatabaseConfig;

/**
 * State databases outside a Quarkus application, migrated by Flyway with the application's own scripts: the embedded
 * H2 store of a data directory, or a fresh database on the machine's PostgreSQL (127.0.0.1:5432, trust auth), dropped
 * when closed.
 */
public final class StateDatabases {

    public static final String POSTGRES_SERVER = "jdbc:postgresql://127.0.0.1:5432/";

    private StateDatabases() {
    }

    /** The embedded store of {@code dataDir}, as the application opens it. */
    public static DataSource h2(Path dataDir) {
        JdbcDataSource dataSource = new JdbcDataSource();
        dataSource.setURL(StateDatabaseConfig.h2Url(dataDir.toString()));
        migrate(dataSource, "classpath:db/state");
        return dataSource;
    }

    /** A fresh PostgreSQL database, migrated as the application migrates it; dropped by {@link #close()}. */
    public static final class Postgres implements AutoCloseable {
        private final String name = "syncline_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        private final PGSimpleDataSource dataSource = new PGSimpleDataSource();

        public Postgres() throws SQLException {
            this(true);
        }

        private Postgres(boolean migrated) throws SQLException {
            admin("CREATE DATABASE " + name);
            dataSource.setURL(url());
            dataSource.setUser("postgres");
            if (migrated) {
                try {
                    migrate(dataSource, "classpath:db/state", "classpath:db/quartz");
                } catch (RuntimeException e) {
                    close();
                    throw e;
                }
            }
        }

        /** An empty database, for applications that migrate it themselves at start-up. */
        public static Postgres unmigrated() throws SQLException {
            return new Postgres(false);
        }

        public String url() {
            return POSTGRES_SERVER + name;
        }

        public DataSource dataSource() {
            return dataSource;
        }

        @Override
        public void close() throws SQLException {
            admin("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
        }
    }

    private static void admin(String sql) throws SQLException {
        try (Connection connection = DriverManager.getConnection(POSTGRES_SERVER + "postgres", "postgres", "");
                Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    private static void migrate(DataSource dataSource, String... locations) {
        Flyway.configure().dataSource(dataSource).locations(locations).baselineOnMigrate(true).baselineVersion("0")
                .load().migrate();
    }
}
