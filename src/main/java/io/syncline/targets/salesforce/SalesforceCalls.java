package io.syncline.targets.salesforce;

import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.component.salesforce.api.SalesforceException;
import org.apache.camel.component.salesforce.api.SalesforceMultipleChoicesException;
import org.apache.camel.component.salesforce.api.dto.RestError;

import io.micrometer.core.instrument.MeterRegistry;
import io.syncline.assessment.EvidenceStore;
import io.syncline.config.SyncConfig;
import io.syncline.pipeline.SyncProperties;
import io.syncline.targets.PermanentTargetException;
import io.syncline.targets.TransientTargetException;

/**
 * One camel-salesforce operation for a chunk of the pipeline, and what its failure means for the chunk:
 * REQUEST_LIMIT_EXCEEDED and 429 pause every flow and are retried after the pause; 5xx, timeouts, a login that
 * failed and UNABLE_TO_LOCK_ROW are transient; 300 (several records match the external id) and every other
 * Salesforce error are permanent, with the Salesforce code in the dead letter. Every answer's
 * {@code Sforce-Limit-Info} feeds the {@link SalesforceBudget}.
 */
@ApplicationScoped
public class SalesforceCalls {

    static final String UNABLE_TO_LOCK_ROW = "UNABLE_TO_LOCK_ROW";
    static final String REQUEST_LIMIT_EXCEEDED = "REQUEST_LIMIT_EXCEEDED";
    private static final int ANSWER_EXCERPT = 500;

    private final ProducerTemplate producer;
    private final SalesforceBudget budget;
    private final SyncConfig config;
    private final MeterRegistry registry;
    private final EvidenceStore evidence;

    SalesforceCalls(ProducerTemplate producer, SalesforceBudget budget, SyncConfig config, MeterRegistry registry,
            EvidenceStore evidence) {
        this.evidence = evidence;
        this.producer = producer;
        this.budget = budget;
        this.config = config;
        this.registry = registry;
    }

    /**
     * Runs {@code salesforce:<operation>} with these headers (camel-salesforce's per-call parameters) and body, and
     * returns the answer. A failure is thrown as a Transient- or PermanentTargetException, the Salesforce codes in
     * the pipeline exchange's {@code syncTargetResponse}.
     */
    public Message call(Exchange pipeline, String operation, Map<String, Object> headers, Object body) {
        Exchange call = producer.send("salesforce:" + operation, c -> {
            c.getMessage().setHeaders(new HashMap<>(headers));
            c.getMessage().setBody(body);
        });
        budget.observe(call.getMessage().getHeader("Sforce-Limit-Info", String.class));
        String flow = pipeline.getProperty(SyncProperties.FLOW, String.class);
        evidence.targetCalled(flow);
        Throwable error = call.getException();
        if (error == null) {
            registry.counter("syncline.salesforce.calls", "flow", flow, "operation", operation, "outcome", "ok").increment();
            return call.getMessage();
        }
        registry.counter("syncline.salesforce.calls", "flow", flow, "operation", operation, "outcome", "failed").increment();
        throw failure(pipeline, operation, error);
    }

    private RuntimeException failure(Exchange pipeline, String operation, Throwable error) {
        SalesforceException salesforce = salesforceCause(error);
        int status = salesforce == null ? 0 : salesforce.getStatusCode();
        List<RestError> errors = salesforce == null || salesforce.getErrors() == null ? List.of() : salesforce.getErrors();
        String codes = errors.stream().map(SalesforceCalls::describe).collect(Collectors.joining("; "));
        boolean timedOut = hasCause(error, TimeoutException.class)
                || hasCause(error, IOException.class);
        pipeline.setProperty(SyncProperties.TARGET_RESPONSE, excerpt(operation + ": HTTP " + status
                + (codes.isEmpty() ? "" : " " + codes) + (timedOut ? " (no answer: " + rootCause(error) + ")" : "")));

        if (status == 429 || (status == 403 && hasCode(errors, REQUEST_LIMIT_EXCEEDED))) {
            Duration pause = config.salesforce().limitBackoff();
            budget.pause(pause);
            pipeline.getMessage().setHeader(Exchange.REDELIVERY_DELAY, Math.min(pause.toMillis(), config.retry().maxDelayMs()));
            return new TransientTargetException("Salesforce refused the request for its API limit (HTTP " + status + ")");
        }
        if (salesforce instanceof SalesforceMultipleChoicesException || status == 300) {
            pipeline.setProperty(SyncProperties.TARGET_RESPONSE, operation
                    + ": HTTP 300 MULTIPLE_CHOICES: several records match the external id");
            return new PermanentTargetException("Several Salesforce records match the external id");
        }
        // a refused login (camel-salesforce: 400 "Login error code:[invalid_grant] ...") is the org's or the
        // credentials' state, not the records': retried, and replayable once the credentials are fixed
        boolean loginRefused = status == 400 && errors.stream()
                .anyMatch(e -> e.getMessage() != null && e.getMessage().startsWith("Login error code:"));
        if (status == 0 || status == 401 || status == 408 || status >= 500 || loginRefused
                || hasCode(errors, UNABLE_TO_LOCK_ROW)) {
            return new TransientTargetException("Salesforce " + operation + " failed with HTTP " + status
                    + (errors.isEmpty() ? "" : " " + errors.get(0).getErrorCode()));
        }
        return new PermanentTargetException("Salesforce refused " + operation + " with HTTP " + status
                + (errors.isEmpty() ? "" : " " + errors.get(0).getErrorCode()));
    }

    /** {@code CODE: message [field, ...]}, as a dead letter shows one Salesforce error. */
    static String describe(RestError error) {
        String fields = error.getFields() == null || error.getFields().isEmpty() ? "" : " " + error.getFields();
        return error.getErrorCode() + ": " + error.getMessage() + fields;
    }

    static boolean hasCode(List<RestError> errors, String code) {
        return errors != null && errors.stream().anyMatch(e -> code.equals(e.getErrorCode()));
    }

    static String excerpt(String answer) {
        return answer.length() <= ANSWER_EXCERPT ? answer : answer.substring(0, ANSWER_EXCERPT) + "…";
    }

    private static SalesforceException salesforceCause(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof SalesforceException s && (s.getStatusCode() != 0 || s.getErrors() != null)) {
                return s;
            }
        }
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof SalesforceException s) {
                return s;
            }
        }
        return null;
    }

    private static boolean hasCause(Throwable error, Class<? extends Throwable> type) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    private static String rootCause(Throwable error) {
        Throwable t = error;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getClass().getSimpleName();
    }
}
