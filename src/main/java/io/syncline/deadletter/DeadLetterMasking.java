package io.syncline.deadletter;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.syncline.config.SyncConfig;
import io.syncline.validation.FlowSchema;
import io.syncline.validation.FlowSchemas;

/**
 * A dead letter as a listing (or a viewer) may see it: the flow's {@code x-sensitive} values replaced by {@code ***}
 * in the payload, and wherever the target's answer or the error message quotes them. A payload that cannot be masked
 * (not JSON, or of a flow that is no longer configured) is withheld.
 */
@ApplicationScoped
public class DeadLetterMasking {

    private final FlowSchemas schemas;
    private final SyncConfig config;
    private final ObjectMapper mapper;

    DeadLetterMasking(FlowSchemas schemas, SyncConfig config, ObjectMapper mapper) {
        this.schemas = schemas;
        this.config = config;
        this.mapper = mapper;
    }

    public DeadLetter masked(DeadLetter letter) {
        if (letter.payload() == null) {
            return letter;
        }
        String payload;
        String targetResponse = letter.targetResponse();
        String exceptionMessage = letter.exceptionMessage();
        if (letter.flow() == null || !config.flows().containsKey(letter.flow())) {
            // no schema says what is sensitive: fail closed
            payload = "*** (no configured flow to mask it by; GET /api/dead-letters/" + letter.id() + " shows it to an operator)";
        } else {
            try {
                FlowSchema schema = schemas.forFlow(letter.flow());
                JsonNode record = mapper.readTree(letter.payload());
                payload = mapper.writeValueAsString(schema.masked(record));
                for (String value : schema.sensitiveValues(record)) {
                    targetResponse = targetResponse == null ? null : targetResponse.replace(value, "***");
                    exceptionMessage = exceptionMessage == null ? null : exceptionMessage.replace(value, "***");
                }
            } catch (Exception unreadable) {
                // a payload that is not JSON cannot be masked field by field: it is withheld from the listing
                payload = "*** (not JSON; GET /api/dead-letters/" + letter.id() + " shows it to an operator)";
            }
        }
        return new DeadLetter(letter.id(), letter.flow(), letter.intake(), letter.route(), letter.category(),
                letter.exceptionClass(), exceptionMessage, letter.fieldErrors(), letter.attempts(),
                letter.firstFailureAt(), letter.lastFailureAt(), letter.fileName(), letter.line(), letter.eventId(),
                letter.key(), letter.receivedAt(), letter.deadLetteredAt(), targetResponse, letter.replayCount(),
                letter.payloadFormat(), payload);
    }
}
