package io.syncline.deadletter;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.syncline.config.SyncConfig;
import io.syncline.record.DeadLetter;
import io.syncline.validation.FieldError;
import io.syncline.validation.FlowSchema;
import io.syncline.validation.FlowSchemas;

/**
 * A dead letter as a listing (or a viewer) may see it: the flow's {@code x-sensitive} values replaced by {@code ***}
 * in the payload, and wherever another field quotes them (the target's answer, the error message, the field errors,
 * the key, the file name), as they are or JSON-escaped. A payload that cannot be masked
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
        List<String> values = List.of();
        if (letter.flow() == null || !config.flows().containsKey(letter.flow())) {
            // no schema says what is sensitive: fail closed
            payload = "*** (no configured flow to mask it by; GET /api/dead-letters/" + letter.id() + " shows it to an operator)";
        } else {
            try {
                FlowSchema schema = schemas.forFlow(letter.flow());
                JsonNode record = mapper.readTree(letter.payload());
                payload = mapper.writeValueAsString(schema.masked(record));
                values = quotedForms(schema.sensitiveValues(record));
            } catch (Exception unreadable) {
                // a payload that is not JSON cannot be masked field by field: it is withheld from the listing
                payload = "*** (not JSON; GET /api/dead-letters/" + letter.id() + " shows it to an operator)";
            }
        }
        List<String> sensitive = values;
        List<FieldError> fieldErrors = letter.fieldErrors() == null ? null : letter.fieldErrors().stream()
                .map(error -> new FieldError(error.pointer(), mask(error.message(), sensitive))).toList();
        return new DeadLetter(letter.id(), letter.flow(), letter.intake(), letter.route(), letter.category(),
                letter.exceptionClass(), mask(letter.exceptionMessage(), sensitive), fieldErrors, letter.attempts(),
                letter.firstFailureAt(), letter.lastFailureAt(), mask(letter.fileName(), sensitive), letter.line(),
                letter.eventId(), mask(letter.key(), sensitive), letter.receivedAt(), letter.deadLetteredAt(),
                mask(letter.targetResponse(), sensitive), letter.replayCount(), letter.payloadFormat(), payload);
    }

    /**
     * Every way a value may be quoted in text that came from JSON: as it is, JSON-escaped (quotes, backslashes, control
     * characters, an escaped solidus), with every character outside ASCII as a unicode escape in either case of hex, and
     * all of these escaped once more (JSON quoted inside JSON).
     * Longest first, so a form inside another is not left half-masked.
     */
    static List<String> quotedForms(List<String> values) {
        Set<String> forms = new LinkedHashSet<>();
        for (String value : values) {
            forms.add(value);
            String escaped = jsonEscaped(value, false);
            forms.add(escaped);
            forms.add(escaped.replace("/", "\\/"));
            String ascii = jsonEscaped(value, true);
            forms.add(ascii);
            forms.add(ascii.toLowerCase(Locale.ROOT).equals(ascii) ? ascii : lowerHex(ascii));
            forms.add(ascii.replace("/", "\\/"));
        }
        // a JSON document quoted inside another (an error message carrying the request body) escapes them once more
        for (String form : List.copyOf(forms)) {
            forms.add(jsonEscaped(form, false));
        }
        List<String> sorted = new ArrayList<>(forms);
        sorted.removeIf(String::isEmpty);
        sorted.sort(Comparator.comparingInt(String::length).reversed());
        return sorted;
    }

    static String mask(String text, List<String> forms) {
        if (text == null) {
            return null;
        }
        String masked = text;
        for (String form : forms) {
            masked = masked.replace(form, "***");
        }
        return masked;
    }

    private static String jsonEscaped(String value, boolean nonAscii) {
        StringBuilder out = new StringBuilder(value.length() + 8);
        for (char c : value.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20 || (nonAscii && c > 0x7e)) {
                        out.append(String.format("\\u%04X", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.toString();
    }

    /** The same escapes in lower-case hex, as other libraries write them. */
    private static String lowerHex(String escaped) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\\\u([0-9A-F]{4})").matcher(escaped);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, java.util.regex.Matcher.quoteReplacement("\\u" + m.group(1).toLowerCase(Locale.ROOT)));
        }
        m.appendTail(out);
        return out.toString();
    }
}
