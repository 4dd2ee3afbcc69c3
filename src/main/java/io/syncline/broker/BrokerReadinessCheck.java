package io.syncline.broker;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.jms.Connection;

import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/** Ready only while a connection to the broker can be opened: without it no event can be accepted. */
@Readiness
@ApplicationScoped
public class BrokerReadinessCheck implements HealthCheck {

    private final BrokerConnection broker;

    BrokerReadinessCheck(BrokerConnection broker) {
        this.broker = broker;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named("broker")
                .withData("embedded", broker.isEmbedded())
                .withData("url", broker.displayUrl());
        if (!broker.embeddedBrokerRunning()) {
            return response.down().withData("error", "the embedded broker is not running").build();
        }
        try (ActiveMQConnectionFactory factory = broker.newDirectFactory()) {
            factory.setCallTimeout(2000);
            factory.setReconnectAttempts(0);
            factory.setInitialConnectAttempts(1);
            try (Connection connection = factory.createConnection()) {
                connection.start();
            }
            return response.up().build();
        } catch (Exception e) {
            return response.down().withData("error", e.getClass().getSimpleName() + ": " + e.getMessage()).build();
        }
    }
}
