package io.syncline.deadletter;

import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;

import io.micrometer.core.instrument.MeterRegistry;
import io.syncline.pipeline.SyncProperties;

/** Runs the moment a delivery attempt fails: counts the attempt and notes when the failures began and last happened. */
@ApplicationScoped
@Named("failureClock")
public class FailureClock implements Processor {

    private final MeterRegistry registry;

    FailureClock(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void process(Exchange exchange) {
        Instant now = Instant.now();
        if (exchange.getProperty(Exchange.EXCEPTION_CAUGHT) instanceof java.io.IOException) {
            registry.counter("syncline.target.calls", "flow", exchange.getProperty(SyncProperties.FLOW, String.class),
                    "status", "io-error").increment();
        }
        exchange.setProperty(SyncProperties.ATTEMPTS, exchange.getProperty(SyncProperties.ATTEMPTS, 0, Integer.class) + 1);
        if (exchange.getProperty(SyncProperties.FIRST_FAILURE_AT) == null) {
            exchange.setProperty(SyncProperties.FIRST_FAILURE_AT, now);
        }
        exchange.setProperty(SyncProperties.LAST_FAILURE_AT, now);
    }
}
