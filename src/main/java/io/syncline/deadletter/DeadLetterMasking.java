package io.syncline.deadletter;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.syncline.config.SyncConfig;
import io.syncline.validation.FlowSchema;
import io.syncline.validation.FlowSchemas;

/** A dead letter whose payload has the flow's {@code x-sensitive} values replaced by {@code ***}. */
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
        if (letter.payload() == null || letter.flow() == null || !config.flows().containsKey(letter.flow())) {
            return letter;
        }
        String payload;
        try {
            FlowSchema schema = schemas.forFlow(letter.flow());
            JsonNode record = mapper.readTree(letter.payload());
            payload = mapper.writeValueAsString(schema.masked(record));
        } catch (Exception unreadable) {
            // a payload that is not JSON cannot be masked field by field: it is withheld from the listing
            payload = "*** (not JSON; GET /api/dead-letters/" + letter.id() + " shows it)";
        }
        return new DeadLetter(letter.id(), letter.flow(), letter.intake(), letter.route(), letter.category(),
                letter.exceptionClass(), letter.exceptionMessage(), letter.fieldErrors(), letter.attempts(),
                letter.firstFailureAt(), letter.lastFailureAt(), letter.fileName(), letter.line(), letter.eventId(),
                letter.key(), letter.receivedAt(), letter.deadLetteredAt(), letter.targetResponse(), letter.replayCount(),
                letter.payloadFormat(), payload);
    }
}
