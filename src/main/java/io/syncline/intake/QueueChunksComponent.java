package io.syncline.intake;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;

import org.apache.camel.Consumer;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.Route;
import org.apache.camel.Suspendable;
import org.apache.camel.spi.CamelEvent.CamelContextStoppingEvent;
import org.apache.camel.support.DefaultComponent;
import org.apache.camel.support.DefaultConsumer;
import org.apache.camel.support.DefaultEndpoint;
import org.jboss.logging.Logger;

import io.quarkus.runtime.configuration.DurationConverter;
import org.springframework.jms.connection.JmsResourceHolder;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * {@code sync-queue:<queue>?maxRecords=200&maxWait=5ms&consumers=1}: a transacted consumer of a broker queue that hands
 * the route a chunk, a {@code List<jakarta.jms.Message>} of up to {@code maxRecords} messages received in one JMS
 * transaction, and commits once when the route is done (rolls back when it failed: every message of the chunk comes
 * back). Camel's jms component receives one message per exchange; a chunk is what lets a flow's worker pay one
 * journal sync, one state write and one target call for many records.
 *
 * <p>A chunk goes as soon as no further message is waiting: a record that arrives alone is delivered at once. While
 * messages keep coming, the chunk waits for more at most {@code maxWait} after its first one.
 *
 * <p>While the route runs, the session is bound to the connection factory the way Spring's listener containers expose
 * theirs, so what the route sends through the jms component on the same factory (dead letters) is part of the chunk's
 * transaction. Message groups ({@code JMSXGroupID}) work as with any consumer: the broker gives a group to one
 * consumer, in order.
 */
// Singleton, not ApplicationScoped: a client proxy would stand in for the component's final lifecycle methods.
@Singleton
@Named("sync-queue")
public class QueueChunksComponent extends DefaultComponent {

    private static final Logger LOG = Logger.getLogger(QueueChunksComponent.class);
    /** How long an idle consumer blocks before it looks whether it should stop. */
    static final long IDLE_RECEIVE_MS = 500;
    /** The pause before a consumer that lost its session (broker restart, network) tries again. */
    static final Duration RECONNECT_DELAY = Duration.ofSeconds(1);

    private final ConnectionFactory connectionFactory;

    QueueChunksComponent(ConnectionFactory connectionFactory) {
        this.connectionFactory = connectionFactory;
    }

    /**
     * When Camel starts stopping, every consumer is told at once. Camel stops its routes one after the other and each
     * consumer's stop waits for its idle receive (up to {@link #IDLE_RECEIVE_MS}); told together, they wind down
     * together, each finishing (and committing) the chunk it holds, and each route's stop finds its consumer done.
     */
    void windDown(@Observes CamelContextStoppingEvent event) {
        event.getContext().getRoutes().stream().map(Route::getConsumer).filter(QueueConsumer.class::isInstance)
                .map(QueueConsumer.class::cast).forEach(QueueConsumer::signalStop);
    }

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) throws Exception {
        int maxRecords = getAndRemoveParameter(parameters, "maxRecords", Integer.class, 200);
        // a duration as the configuration writes it: 5ms, 0, PT0.005S
        long maxWaitMs = DurationConverter.parseDuration(getAndRemoveParameter(parameters, "maxWait", String.class, "5ms")).toMillis();
        int consumers = getAndRemoveParameter(parameters, "consumers", Integer.class, 1);
        if (maxRecords < 1 || maxWaitMs < 0 || consumers < 1) {
            throw new IllegalArgumentException("sync-queue:" + remaining + " needs maxRecords >= 1, maxWait >= 0 and consumers >= 1");
        }
        return new QueueEndpoint(uri, this, remaining, maxRecords, maxWaitMs, consumers);
    }

    final class QueueEndpoint extends DefaultEndpoint {

        private final String queue;
        private final int maxRecords;
        private final long maxWaitMs;
        private final int consumers;

        QueueEndpoint(String uri, QueueChunksComponent component, String queue, int maxRecords, long maxWaitMs, int consumers) {
            super(uri, component);
            this.queue = queue;
            this.maxRecords = maxRecords;
            this.maxWaitMs = maxWaitMs;
            this.consumers = consumers;
        }

        @Override
        public Producer createProducer() {
            throw new UnsupportedOperationException("sync-queue only consumes; send with the jms component");
        }

        @Override
        public Consumer createConsumer(Processor processor) throws Exception {
            QueueConsumer consumer = new QueueConsumer(this, processor);
            configureConsumer(consumer);
            return consumer;
        }
    }

    /** Suspendable: a paused flow's route shows suspended (not stopped) and its queue holds the messages. */
    final class QueueConsumer extends DefaultConsumer implements Suspendable {

        private final QueueEndpoint endpoint;
        /** Consumer threads run while their generation is the current one: a stop or suspend starts a new one. */
        private final AtomicInteger generation = new AtomicInteger();
        private ExecutorService threads;

        QueueConsumer(QueueEndpoint endpoint, Processor processor) {
            super(endpoint, processor);
            this.endpoint = endpoint;
        }

        @Override
        protected void doStart() throws Exception {
            super.doStart();
            startConsumers();
        }

        @Override
        protected void doStop() throws Exception {
            stopConsumers();
            super.doStop();
        }

        @Override
        protected void doSuspend() {
            stopConsumers();
        }

        @Override
        protected void doResume() {
            startConsumers();
        }

        private synchronized void startConsumers() {
            if (threads != null) {
                return;
            }
            int current = generation.incrementAndGet();
            threads = getEndpoint().getCamelContext().getExecutorServiceManager()
                    .newFixedThreadPool(this, "sync-queue " + endpoint.queue, endpoint.consumers);
            for (int i = 0; i < endpoint.consumers; i++) {
                threads.execute(() -> consume(current));
            }
        }

        /**
         * Consumer threads end once their chunk is done or their idle receive returns; nothing waits here. A consumer
         * without threads only moves to a new generation, which its next start does anyway.
         */
        void signalStop() {
            generation.incrementAndGet();
        }

        private synchronized void stopConsumers() {
            generation.incrementAndGet();
            if (threads != null) {
                // a chunk in the route finishes (and commits); idle receives return within IDLE_RECEIVE_MS
                getEndpoint().getCamelContext().getExecutorServiceManager().shutdownGraceful(threads);
                threads = null;
            }
        }

        private void consume(int mine) {
            while (mine == generation.get()) {
                Session session = null;
                MessageConsumer consumer = null;
                try {
                    Connection connection = connectionFactory.createConnection();
                    connection.start();
                    session = connection.createSession(true, Session.SESSION_TRANSACTED);
                    consumer = session.createConsumer(session.createQueue(endpoint.queue));
                    while (mine == generation.get()) {
                        List<Message> chunk = receiveChunk(consumer);
                        if (!chunk.isEmpty()) {
                            deliver(session, chunk);
                        }
                    }
                } catch (JMSException | RuntimeException e) {
                    if (mine == generation.get()) {
                        LOG.warnf("Queue %s: consumer lost its session (%s); the chunk in flight goes back to the queue,"
                                + " retrying in %d s", endpoint.queue, e.getMessage(), RECONNECT_DELAY.toSeconds());
                        pause();
                    }
                } finally {
                    close(consumer, session);
                }
            }
        }

        /** The first message blocks (up to the idle timeout); then what is waiting, for at most maxWait. */
        private List<Message> receiveChunk(MessageConsumer consumer) throws JMSException {
            Message first = consumer.receive(IDLE_RECEIVE_MS);
            if (first == null) {
                return List.of();
            }
            List<Message> chunk = new ArrayList<>(Math.min(endpoint.maxRecords, 64));
            chunk.add(first);
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(endpoint.maxWaitMs);
            while (chunk.size() < endpoint.maxRecords) {
                Message next = consumer.receiveNoWait();
                if (next == null) {
                    // Nothing waiting. Alone, the record goes now; while others came with it, wait a little for more.
                    long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                    if (chunk.size() == 1 || left < 1) {
                        break;
                    }
                    next = consumer.receive(left);
                    if (next == null) {
                        break;
                    }
                }
                chunk.add(next);
            }
            return chunk;
        }

        private void deliver(Session session, List<Message> chunk) throws JMSException {
            Exchange exchange = createExchange(false);
            // transacted: the route runs on this thread to its end (retries included), where the session is bound
            exchange.getExchangeExtension().setTransacted(true);
            exchange.getMessage().setBody(chunk);
            TransactionSynchronizationManager.bindResource(connectionFactory, new JmsResourceHolder(session));
            try {
                getProcessor().process(exchange);
            } catch (Exception e) {
                exchange.setException(e);
            } finally {
                TransactionSynchronizationManager.unbindResource(connectionFactory);
            }
            try {
                if (exchange.getException() != null || exchange.isRollbackOnly()) {
                    session.rollback();
                    if (exchange.getException() != null) {
                        getExceptionHandler().handleException("Queue " + endpoint.queue + ": a chunk of " + chunk.size()
                                + " message(s) was rolled back and goes back to the queue", exchange, exchange.getException());
                    }
                } else {
                    session.commit();
                }
            } finally {
                releaseExchange(exchange, false);
            }
        }

        private void pause() {
            try {
                Thread.sleep(RECONNECT_DELAY.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        private static void close(MessageConsumer consumer, Session session) {
            try {
                if (consumer != null) {
                    consumer.close();
                }
            } catch (JMSException | RuntimeException ignored) {
                // the session is closed next; a consumer of a broken session is gone anyway
            }
            try {
                if (session != null) {
                    session.close();
                }
            } catch (JMSException | RuntimeException ignored) {
                // nothing more can be done with a session that does not close
            }
        }
    }
}
