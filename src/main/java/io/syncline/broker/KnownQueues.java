package io.syncline.broker;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.inject.Named;
import jakarta.inject.Singleton;
import jakarta.jms.Destination;
import jakarta.jms.JMSException;
import jakarta.jms.Session;

import org.springframework.jms.support.destination.DestinationResolver;
import org.springframework.jms.support.destination.DynamicDestinationResolver;

/**
 * The jms component's queues by name, each resolved once ({@code camel.component.jms.destination-resolver}): Spring's
 * JmsTemplate otherwise asks the session for the queue on every send, a round of proxies and name checks that was a
 * twentieth of a webhook's enqueue (docs/benchmarks.md). An Artemis queue is a name, the same for every session.
 * Topics are resolved as before.
 */
@Singleton
@Named("knownQueues")
public class KnownQueues implements DestinationResolver {

    private final DynamicDestinationResolver dynamic = new DynamicDestinationResolver();
    private final Map<String, Destination> queues = new ConcurrentHashMap<>();

    @Override
    public Destination resolveDestinationName(Session session, String name, boolean pubSubDomain) throws JMSException {
        if (pubSubDomain) {
            return dynamic.resolveDestinationName(session, name, true);
        }
        Destination queue = queues.get(name);
        if (queue == null) {
            queue = dynamic.resolveDestinationName(session, name, false);
            queues.putIfAbsent(name, queue);
        }
        return queue;
    }
}
