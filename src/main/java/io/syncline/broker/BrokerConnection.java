package io.syncline.broker;

import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CopyOnWriteArrayList;

import jakarta.annotation.PreDestroy;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSException;

import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.springframework.jms.connection.CachingConnectionFactory;
import org.wildfly.common.cpu.ProcessorInfo;

import io.smallrye.common.annotation.Identifier;

import io.syncline.config.SyncConfig;
import io.syncline.security.SecretMasking;

/**
 * The one JMS connection factory Camel's jms component autowires. Creating it starts the embedded broker; its
 * connections wait until the broker runs, so consumers never race the broker at start-up.
 */
@ApplicationScoped
public class BrokerConnection {

    /** Sessions the shared factory keeps: the flows' consumers, the dead letters they write, the pipeline's sends. */
    private static final int CONSUMER_SESSIONS = 20;

    private final SyncConfig config;
    private final EmbeddedBroker embeddedBroker;
    private final String externalUrl;
    private final Optional<String> username;
    private final Optional<String> password;
    private final int requestThreads;

    BrokerConnection(SyncConfig config, EmbeddedBroker embeddedBroker,
            @ConfigProperty(name = "quarkus.artemis.url", defaultValue = "tcp://localhost:61616") String externalUrl,
            @ConfigProperty(name = "quarkus.artemis.username") Optional<String> username,
            @ConfigProperty(name = "quarkus.artemis.password") Optional<String> password,
            @ConfigProperty(name = "quarkus.thread-pool.max-threads") OptionalInt requestThreads) {
        this.config = config;
        this.embeddedBroker = embeddedBroker;
        this.externalUrl = externalUrl;
        this.username = username;
        this.password = password;
        // Quarkus' own default for its worker pool, on which webhook requests run: ThreadPoolConfig leaves max-threads
        // empty and the executor computes it, so an extension that sizes to the pool repeats the rule as here
        // (quarkus-jberet's QuarkusJobExecutor), with the same count of processors
        this.requestThreads = requestThreads.orElse(Math.max(8 * ProcessorInfo.availableProcessors(), 200));
    }

    /** False while the embedded broker is stopped; always true for an external broker (the connection tells). */
    public boolean embeddedBrokerRunning() {
        return !isEmbedded() || embeddedBroker.isActive();
    }

    public boolean isEmbedded() {
        return config.broker().embedded();
    }

    /** The broker's URL as clients see it (no credentials). */
    public String url() {
        return isEmbedded() ? EmbeddedBroker.IN_VM_URL : externalUrl;
    }

    /** The broker URL as it may be shown (health data, logs): trust and key store passwords masked. */
    public String displayUrl() {
        return SecretMasking.url(url());
    }

    /** A plain, uncached factory: for health checks and anything that must see the broker as it is now. */
    public ActiveMQConnectionFactory newDirectFactory() {
        if (isEmbedded()) {
            embeddedBroker.awaitStarted();
        }
        return directFactory();
    }

    private ActiveMQConnectionFactory directFactory() {
        ActiveMQConnectionFactory factory = new ActiveMQConnectionFactory(url());
        if (!isEmbedded()) {
            // in-process connections need no credentials (BrokerSecurity); sending some would only share a cache key
            username.ifPresent(factory::setUser);
            password.ifPresent(factory::setPassword);
        }
        // Never deserialize a Java object from a message: ObjectMessages are dead-lettered unread (JmsIntake), and
        // should anything call getObject() anyway, Artemis refuses every class.
        factory.setDeserializationDenyList("*");
        // 202 means durable: a persistent send returns only once the broker has written it.
        factory.setBlockOnDurableSend(true);
        // Fail fast when the broker is gone, so a caller hears 503 in seconds, not after minutes.
        factory.setInitialConnectAttempts(1);
        factory.setReconnectAttempts(0);
        factory.setCallTimeout(10_000);
        return factory;
    }

    @Produces
    @Singleton
    @Named("connectionFactory")
    ConnectionFactory connectionFactory() {
        CachingConnectionFactory caching = cachingFactory(CONSUMER_SESSIONS);
        // Listener containers manage their own consumers; caching them would hold messages on idle sessions.
        caching.setCacheConsumers(false);
        return caching;
    }

    /**
     * The webhooks' own connection: while the broker is down the consumers keep trying to reconnect through the
     * shared factory, and a webhook must not queue behind them to learn that it has to answer 503.
     * <p>
     * It keeps a session for every request that can send at the same moment (one per worker thread of Quarkus'
     * pool, {@code quarkus.thread-pool.max-threads}). A session the cache cannot keep is closed after its one send and
     * the next request opens a new one: each a blocking round trip to the broker made while holding the lock of the one
     * shared connection, so every other request waits too, exactly when requests pile up. Under load that wait was
     * larger than the durable sends themselves (docs/benchmarks.md, session 18). Sessions open only as concurrency asks
     * for them, and stay open.
     */
    @Produces
    @Singleton
    @Identifier("webhook")
    @Named("webhookConnectionFactory")
    ConnectionFactory webhookConnectionFactory() {
        return cachingFactory(requestThreads);
    }

    private CachingConnectionFactory cachingFactory(int sessions) {
        if (isEmbedded()) {
            embeddedBroker.start();
        }
        CachingConnectionFactory caching = new CachingConnectionFactory(directFactory()) {
            @Override
            protected Connection doCreateConnection() throws JMSException {
                // the embedded broker may still be loading its journal (EmbeddedBroker.start)
                if (isEmbedded()) {
                    embeddedBroker.awaitStarted();
                }
                return super.doCreateConnection();
            }
        };
        caching.setSessionCacheSize(sessions);
        caching.setReconnectOnException(true);
        cachingFactories.add(caching);
        return caching;
    }

    private final List<CachingConnectionFactory> cachingFactories = new CopyOnWriteArrayList<>();

    void closeWebhook(@Disposes @Identifier("webhook") ConnectionFactory factory) {
        close(factory);
    }

    void close(@Disposes ConnectionFactory factory) {
        if (factory instanceof CachingConnectionFactory caching) {
            caching.destroy();
        }
    }

    /**
     * At shutdown (after Camel stopped its consumers): the connections close first, then the embedded broker stops.
     * The other way round, each open connection hears "server shutdown" and logs it with a stack trace.
     */
    @PreDestroy
    void shutdown() {
        cachingFactories.forEach(CachingConnectionFactory::destroy);
        if (isEmbedded()) {
            embeddedBroker.stop();
        }
    }
}
