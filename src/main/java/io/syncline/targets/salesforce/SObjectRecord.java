package io.syncline.targets.salesforce;

import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonIgnore;

import org.apache.camel.component.salesforce.api.dto.AbstractDescribedSObjectBase;
import org.apache.camel.component.salesforce.api.dto.SObjectDescription;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * One record of an sObject Collections request without a generated DTO: camel-salesforce's collections operations
 * take only {@link AbstractDescribedSObjectBase} instances, so the mapped fields ride along as JSON properties of
 * their own. The sObject name goes in {@code attributes.type}, as the Collections API wants.
 */
@RegisterForReflection
public class SObjectRecord extends AbstractDescribedSObjectBase {

    private final Map<String, Object> fields;

    public SObjectRecord(String sObject, Map<String, Object> fields) {
        getAttributes().setType(sObject);
        this.fields = new LinkedHashMap<>(fields);
    }

    @JsonAnyGetter
    public Map<String, Object> fields() {
        return fields;
    }

    @Override
    @JsonIgnore
    public SObjectDescription description() {
        return null;
    }
}
