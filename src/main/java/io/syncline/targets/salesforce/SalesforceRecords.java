package io.syncline.targets.salesforce;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import io.syncline.config.SyncConfig;
import io.syncline.record.Envelope;

/** A flow's records as sObject fields, following {@code target.salesforce.mapping}; and their grouping by parent. */
final class SalesforceRecords {

    private SalesforceRecords() {
    }

    /**
     * The mapped fields of one record, in mapping order; with the external id field (the record's key) when
     * {@code withExternalId}. A record value that is absent or null is left out, so an upsert never blanks a field.
     */
    static Map<String, Object> fields(Envelope envelope, SyncConfig.SalesforceObject target, boolean withExternalId) {
        Map<String, Object> fields = new LinkedHashMap<>();
        String externalId = target.externalIdField().orElseThrow();
        if (withExternalId) {
            fields.put(externalId, envelope.key());
        }
        target.mapping().forEach((sfField, recordField) -> {
            if (sfField.equals(externalId)) {
                return;
            }
            JsonNode value = valueOf(envelope.record(), recordField);
            if (value != null) {
                fields.put(sfField, value);
            }
        });
        return fields;
    }

    /** A record field by name, or by JSON Pointer when it starts with a slash; null when absent or null. */
    static JsonNode valueOf(JsonNode record, String fieldOrPointer) {
        JsonNode value = fieldOrPointer.startsWith("/") ? record.at(fieldOrPointer) : record.get(fieldOrPointer);
        return value == null || value.isMissingNode() || value.isNull() ? null : value;
    }

    /**
     * Requests of at most {@code max} records in which records of one parent stay together (unless a parent alone
     * has more), parents in the order they first appear and each parent's records in their original order. A key
     * never appears twice in one request (Salesforce refuses both items of a duplicated external id): a second version
     * of a key, as a real-time chunk may hold, starts the next request, so versions still go out in order.
     */
    static List<List<Envelope>> requests(List<Envelope> chunk, SyncConfig.SalesforceObject target, int max) {
        List<List<Envelope>> groups = new ArrayList<>();
        if (target.parentKey().isEmpty()) {
            groups.add(chunk);
        } else {
            Map<String, List<Envelope>> byParent = new LinkedHashMap<>();
            for (Envelope envelope : chunk) {
                JsonNode parent = valueOf(envelope.record(), target.parentKey().get());
                String key = parent == null ? "\u0000" + envelope.key() : parent.asText();
                byParent.computeIfAbsent(key, k -> new ArrayList<>()).add(envelope);
            }
            groups.addAll(byParent.values());
        }
        List<List<Envelope>> requests = new ArrayList<>();
        List<Envelope> current = new ArrayList<>();
        java.util.Set<String> keys = new java.util.HashSet<>();
        for (List<Envelope> group : groups) {
            if (!current.isEmpty() && current.size() + group.size() > max) {
                requests.add(current);
                current = new ArrayList<>();
                keys.clear();
            }
            for (Envelope envelope : group) {
                if (current.size() == max || !keys.add(envelope.key())) {
                    requests.add(current);
                    current = new ArrayList<>();
                    keys.clear();
                    keys.add(envelope.key());
                }
                current.add(envelope);
            }
        }
        if (!current.isEmpty()) {
            requests.add(current);
        }
        return requests;
    }
}
