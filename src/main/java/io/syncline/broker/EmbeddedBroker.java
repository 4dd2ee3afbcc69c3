package io.syncline.broker;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Collection;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.apache.activemq.artemis.api.core.QueueConfiguration;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.config.Configuration;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.core.server.JournalType;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;
import org.apache.camel.spi.CamelEvent.CamelContextStartingEvent;
import org.jboss.logging.Logger;

import io.quarkus.runtime.Quarkus;

import io.syncline.config.SyncConfig;

/**
 * ActiveMQ Artemis inside the process, with a persistent journal under {@code ${sync.data-dir}/broker}.
 * Started by {@link BrokerConnection} when Camel asks for its connection factory, on a thread of its own: the journal
 * loads while Camel reads its routes, and Camel waits for it before any route starts ({@link #beforeRoutesStart}).
 */
@ApplicationScoped
public class EmbeddedBroker {

    public static final String IN_VM_URL = "vm://0";

    private static final Logger LOG = Logger.getLogger(EmbeddedBroker.class);

    private final SyncConfig config;
    private EmbeddedActiveMQ server;
    private CompletableFuture<Void> starting;
    /** Loading a large journal takes a while; a journal locked by another process never loads. */
    private static final Duration START_TIMEOUT = Duration.ofMinutes(5);

    EmbeddedBroker(SyncConfig config) {
        this.config = config;
    }

    /** Checks the configuration at once (an unsafe acceptor stops the start here) and starts the broker in the background. */
    public synchronized void start() {
        if (server != null) {
            return;
        }
        SyncConfig.Broker broker = config.broker();
        AcceptorCheck.check(broker, config.flows().keySet());
        EmbeddedActiveMQ embedded;
        try {
            embedded = server(brokerDir(), broker, config.flows().keySet());
        } catch (Exception e) {
            throw new IllegalStateException("The embedded Artemis broker did not start: " + e.getMessage(), e);
        }
        server = embedded;
        starting = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            try {
                embedded.start();
                LOG.infof("Embedded Artemis started, journal in %s", brokerDir());
                starting.complete(null);
            } catch (Throwable e) {
                starting.completeExceptionally(e);
            }
        }, "syncline-broker-start");
        thread.start();
    }

    /** Returns once the broker runs; throws when it could not start. Connections wait here, not in a retry loop. */
    public void awaitStarted() {
        CompletableFuture<Void> started;
        synchronized (this) {
            started = starting;
        }
        if (started == null) {
            throw new IllegalStateException("The embedded Artemis broker was not started");
        }
        try {
            started.get(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("The embedded Artemis broker did not start: " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("The embedded Artemis broker did not start within " + START_TIMEOUT.toSeconds()
                    + " s (another process holding its journal in " + brokerDir() + "?)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while the embedded Artemis broker started", e);
        }
    }

    /**
     * No route starts before the broker runs, and a broker that cannot start stops Syncline. Camel only logs what an
     * event observer throws, so the exit is asked for here.
     */
    void beforeRoutesStart(@Observes CamelContextStartingEvent event) {
        if (!config.broker().embedded()) {
            return;
        }
        try {
            start();
            awaitStarted();
        } catch (RuntimeException e) {
            LOG.errorf("Syncline stops: %s", e.getMessage());
            Quarkus.asyncExit(1);
            throw e;
        }
    }

    /** The running server, for tests that watch what reaches the broker (null when not started). */
    synchronized ActiveMQServer activeServer() {
        return server == null ? null : server.getActiveMQServer();
    }

    public synchronized boolean isActive() {
        return server != null && starting.isDone() && server.getActiveMQServer() != null && server.getActiveMQServer().isActive();
    }

    /** Stopped by {@link BrokerConnection} at shutdown, once its connections are closed. */
    public synchronized void stop() {
        if (server == null) {
            return;
        }
        try {
            awaitStarted();
            server.stop();
        } catch (Exception e) {
            LOG.warnf("Embedded Artemis did not stop cleanly: %s", e.getMessage());
        } finally {
            server = null;
        }
    }

    /** Artemis takes nanoseconds as an int: up to about 2 s. */
    static int journalBufferTimeoutNanos(Duration timeout) {
        if (timeout.isNegative() || timeout.compareTo(Duration.ofSeconds(2)) > 0) {
            throw new IllegalStateException("sync.broker.journal-buffer-timeout must be between 0 and 2 s, not " + timeout);
        }
        return (int) timeout.toNanos();
    }

    private Path brokerDir() {
        return Path.of(config.dataDir(), "broker").toAbsolutePath();
    }

    /**
     * The broker as Syncline runs it, journal under {@code dir}, security from {@code broker.users()}; public so the
     * benchmark's baseline runs the same one. Not started.
     */
    public static EmbeddedActiveMQ server(Path dir, SyncConfig.Broker broker, Collection<String> flows) throws Exception {
        EmbeddedActiveMQ embedded = new EmbeddedActiveMQ();
        embedded.setConfiguration(configuration(dir, broker, flows));
        embedded.setSecurityManager(new BrokerSecurity(broker.users()));
        return embedded;
    }

    private static Configuration configuration(Path dir, SyncConfig.Broker broker, Collection<String> flows) throws Exception {
        ConfigurationImpl c = new ConfigurationImpl();
        c.setName("syncline");
        c.setPersistenceEnabled(true);
        c.setSecurityEnabled(true);
        BrokerSecurity.settings(flows, broker.deadLetterAddress()).forEach(c::putSecurityRoles);
        // Artemis lets its cluster user do anything; nothing here clusters, so nobody may know its password.
        byte[] clusterPassword = new byte[32];
        new SecureRandom().nextBytes(clusterPassword);
        c.setClusterPassword(HexFormat.of().formatHex(clusterPassword));
        // The authentication cache is keyed by user name and password only: a cached in-process (password-less)
        // login would let a network connection without credentials in. Checking a hash is cheap; no cache.
        c.setAuthenticationCacheSize(0);
        c.setJMXManagementEnabled(true);
        // NIO works on every file system; ASYNCIO needs libaio and falls back with a warning anyway.
        c.setJournalType(JournalType.NIO);
        c.setJournalBufferTimeout_NIO(journalBufferTimeoutNanos(broker.journalBufferTimeout()));
        c.setJournalDirectory(dir.resolve("journal").toString());
        c.setBindingsDirectory(dir.resolve("bindings").toString());
        c.setLargeMessagesDirectory(dir.resolve("large-messages").toString());
        c.setPagingDirectory(dir.resolve("paging").toString());
        c.addAcceptorConfiguration("in-vm", IN_VM_URL);
        if (broker.acceptor().isPresent()) {
            c.addAcceptorConfiguration("core", broker.acceptor().get());
        }

        SimpleString deadLetters = SimpleString.of(broker.deadLetterAddress());
        c.addAddressSetting("#", new AddressSettings()
                .setRedeliveryDelay(broker.redeliveryDelay().toMillis())
                .setRedeliveryMultiplier(broker.redeliveryMultiplier())
                .setMaxRedeliveryDelay(broker.maxRedeliveryDelay().toMillis())
                .setMaxDeliveryAttempts(broker.maxDeliveryAttempts())
                .setDeadLetterAddress(deadLetters)
                .setExpiryAddress(deadLetters)
                .setAutoCreateQueues(true)
                .setAutoCreateAddresses(true)
                .setAutoDeleteQueues(false)
                .setAutoDeleteAddresses(false)
                // webhooks put each record key in its own message group: hash them into a fixed number of buckets so
                // the broker's group map does not grow with every key ever received (ordering per key is kept)
                .setDefaultGroupBuckets(1024));
        // Dead letters are kept until someone replays or deletes them: never expire, never bounce further, and a
        // dead letter looked at and left in place (a refused replay) is visible again at once.
        c.addAddressSetting(broker.deadLetterAddress(), new AddressSettings()
                .setMaxDeliveryAttempts(-1)
                .setRedeliveryDelay(0)
                .setExpiryAddress(deadLetters)
                .setAutoCreateQueues(true)
                .setAutoCreateAddresses(true)
                .setAutoDeleteQueues(false)
                .setAutoDeleteAddresses(false));
        c.addQueueConfiguration(QueueConfiguration.of(deadLetters)
                .setRoutingType(RoutingType.ANYCAST)
                .setDurable(true));
        // Every flow's queue exists from the start, so a source user needs no right to create it.
        for (String flow : flows) {
            c.addQueueConfiguration(QueueConfiguration.of(BrokerSecurity.queue(flow))
                    .setRoutingType(RoutingType.ANYCAST)
                    .setDurable(true));
        }
        return c;
    }
}
