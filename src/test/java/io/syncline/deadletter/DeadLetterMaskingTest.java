package io.syncline.deadletter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.syncline.config.SyncConfig;
import io.syncline.record.DeadLetter;
import io.syncline.record.IntakeKind;
import io.syncline.validation.FieldError;
import io.syncline.validation.FlowSchemas;

/** A listed dead letter shows no sensitive value anywhere, however the field that quotes it escaped it. */
class DeadLetterMaskingTest {

    static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void sensitiveValuesAreMaskedInFieldErrorsKeyFileNameAndEveryJsonEscapingOfTheTargetsAnswer() throws Exception {
        String name = "Zoë \"Zed\" O'Brien";
        String email = "zoe/o.brien@example.com";
        String payload = JSON.writeValueAsString(Map.of("claimNumber", "CLM-1", "description", "whiplash",
                "claimant", Map.of("name", name, "email", email)));
        String targetResponse = "HTTP 409: {\"error\":\"duplicate \\\"Zo\\u00EBb\\\" and \\\"Zo\\\\u00eb \\\\\\\"Zed\\\\\\\" O'Brien\\\"\","
                + " \"plain\":\"Zoë \\\"Zed\\\" O'Brien\", \"solidus\":\"zoe\\/o.brien@example.com\","
                + " \"ascii\":\"Zo\\u00EB \\\"Zed\\\" O'Brien\", \"lower\":\"Zo\\u00eb \\\"Zed\\\" O'Brien\"}";
        DeadLetter letter = new DeadLetter("id-1", "insurance-claims", IntakeKind.FILE, "insurance-actuarial-risk-file", "validation",
                "x", "refused " + email, List.of(new FieldError("/claimant/email", "not an email: " + email),
                        new FieldError("/description", "whiplash is too short")),
                0, null, null, "claims-" + email + ".jsonl", 3L, "e1", name, null, null, targetResponse, 0, "json", payload);

        DeadLetter masked = masking().masked(letter);

        String shown = JSON.writeValueAsString(masked);
        for (String form : List.of("Zoë", "Zo\\u00EB \\\"Zed", "Zo\\u00eb \\\"Zed", "O'Brien", "zoe/o.brien", "zoe\\/o.brien",
                "whiplash")) {
            assertFalse(shown.contains(form), form + " in " + shown);
        }
        assertEquals("not an email: ***", masked.fieldErrors().get(0).message());
        assertEquals("*** is too short", masked.fieldErrors().get(1).message());
        assertEquals("/claimant/email", masked.fieldErrors().get(0).pointer());
        assertEquals("***", masked.key());
        assertEquals("claims-***.jsonl", masked.fileName());
        // what is not sensitive stays readable
        assertEquals(3L, masked.line());
        assertEquals("CLM-1", JSON.readTree(masked.payload()).path("claimNumber").asText());
    }

    private static DeadLetterMasking masking() {
        SyncConfig config = (SyncConfig) java.lang.reflect.Proxy.newProxyInstance(SyncConfig.class.getClassLoader(),
                new Class<?>[] { SyncConfig.class }, (proxy, method, args) -> switch (method.getName()) {
                    case "flows" -> java.util.Collections.singletonMap("insurance-claims", (SyncConfig.Flow) null);
                    default -> throw new UnsupportedOperationException(method.getName());
                });
        return new DeadLetterMasking(new FlowSchemas(JSON), config, JSON);
    }
}
