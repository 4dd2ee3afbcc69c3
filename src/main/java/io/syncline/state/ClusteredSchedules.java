package io.syncline.state;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Named;
import jakarta.inject.Singleton;

import org.apache.camel.component.quartz.QuartzComponent;
import org.quartz.utils.ConnectionProvider;

import io.agroal.api.AgroalDataSource;
import io.quarkus.agroal.DataSource;
import io.quarkus.arc.Arc;
import io.syncline.config.SyncConfig;

/**
 * Camel's Quartz component for the file windows and pulls. On a shared PostgreSQL state store its schedules live there
 * too, in Quartz's own JDBC job store, clustered: each cron fires on one instance of the cluster, and the jobs of an
 * instance that stopped checking in are recovered by another. On the embedded default, Quartz keeps them in memory, as
 * before.
 */
@ApplicationScoped
public class ClusteredSchedules {

    /** The Quartz data source name under which {@link StateConnections} hands out the state store's connections. */
    static final String QUARTZ_DATA_SOURCE = "syncline";

    @Produces
    @Singleton
    @Named("quartz")
    QuartzComponent quartz(SyncConfig config) {
        QuartzComponent quartz = new QuartzComponent();
        if (StateDatabaseConfig.sharedPostgresql(config.state().jdbcUrl().orElse(null))) {
            quartz.setProperties(clusteredProperties(config));
        }
        return quartz;
    }

    static Map<String, Object> clusteredProperties(SyncConfig config) {
        Map<String, Object> properties = new HashMap<>();
        // one name for the whole cluster: instances with the same name share the triggers
        properties.put("org.quartz.scheduler.instanceName", "syncline");
        properties.put("org.quartz.scheduler.instanceId", config.instanceId());
        properties.put("org.quartz.scheduler.skipUpdateCheck", "true");
        properties.put("org.quartz.threadPool.threadCount", "10");
        properties.put("org.quartz.jobStore.class", "org.quartz.impl.jdbcjobstore.JobStoreTX");
        properties.put("org.quartz.jobStore.driverDelegateClass", "org.quartz.impl.jdbcjobstore.PostgreSQLDelegate");
        properties.put("org.quartz.jobStore.dataSource", QUARTZ_DATA_SOURCE);
        properties.put("org.quartz.jobStore.tablePrefix", "QRTZ_");
        properties.put("org.quartz.jobStore.isClustered", "true");
        properties.put("org.quartz.jobStore.clusterCheckinInterval", String.valueOf(config.cluster().checkinInterval().toMillis()));
        properties.put("org.quartz.jobStore.misfireThreshold", "60000");
        properties.put("org.quartz.dataSource." + QUARTZ_DATA_SOURCE + ".connectionProvider.class", StateConnections.class.getName());
        return properties;
    }

    /** Quartz's connections: the state store's PostgreSQL datasource (its pool, its credentials). */
    public static class StateConnections implements ConnectionProvider {

        private AgroalDataSource dataSource;

        @Override
        public void initialize() {
            dataSource = Arc.container().select(AgroalDataSource.class,
                    new DataSource.DataSourceLiteral(StateDatabaseConfig.POSTGRESQL)).get();
        }

        @Override
        public Connection getConnection() throws SQLException {
            return dataSource.getConnection();
        }

        @Override
        public void shutdown() {
            // the pool belongs to the application; Quarkus closes it
        }
    }
}
