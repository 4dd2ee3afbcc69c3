package io.syncline.flows;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.syncline.config.SyncConfig;

/** What the startup check says about a salesforce flow that could not publish, before anything starts. */
class SalesforceStartupCheckTest {

    @Test
    void aSalesforceFlowWithoutObjectExternalIdMappingOrCredentialsIsRefusedByKey() {
        SyncConfig config = config(Map.of("sync.flows.insurance-claims.target.kind", "salesforce"));

        assertThat(FlowStartupCheck.salesforceProblems(config, "insurance-claims"), containsInAnyOrder(
                "flow insurance-claims: sync.flows.insurance-claims.target.kind=salesforce needs sync.flows.insurance-claims.target.salesforce.sobject",
                "flow insurance-claims: sync.flows.insurance-claims.target.kind=salesforce needs sync.flows.insurance-claims.target.salesforce.external-id-field",
                "flow insurance-claims: sync.flows.insurance-claims.target.kind=salesforce needs at least one sync.flows.insurance-claims.target.salesforce.mapping.<sObject field>",
                "flow insurance-claims: sync.flows.insurance-claims.target.kind=salesforce needs sync.salesforce.client-id (sync.salesforce.auth=jwt)",
                "flow insurance-claims: sync.flows.insurance-claims.target.kind=salesforce needs sync.salesforce.username (sync.salesforce.auth=jwt)",
                "flow insurance-claims: sync.flows.insurance-claims.target.kind=salesforce needs sync.salesforce.keystore-path (sync.salesforce.auth=jwt)"));
    }

    @Test
    void clientCredentialsNeedTheSecretAndACompleteFlowPasses() {
        Map<String, String> settings = new HashMap<>(Map.of(
                "sync.flows.insurance-claims.target.kind", "salesforce",
                "sync.flows.insurance-claims.target.salesforce.sobject", "Claim__c",
                "sync.flows.insurance-claims.target.salesforce.external-id-field", "Claim_Number__c",
                "sync.flows.insurance-claims.target.salesforce.mapping.Policy_Number__c", "policyNumber",
                "sync.salesforce.auth", "client-credentials",
                "sync.salesforce.client-id", "3MVG9example"));
        assertEquals(List.of("flow insurance-claims: sync.flows.insurance-claims.target.kind=salesforce needs "
                + "sync.salesforce.client-secret (sync.salesforce.auth=client-credentials)"),
                FlowStartupCheck.salesforceProblems(config(settings), "insurance-claims"));

        settings.put("sync.salesforce.client-secret", "secret");
        assertEquals(List.of(), FlowStartupCheck.salesforceProblems(config(settings), "insurance-claims"));
    }

    private static SyncConfig config(Map<String, String> settings) {
        // Quarkus' own converters, so that "10s" and "1M" read as they do in the application
        SmallRyeConfig config = new SmallRyeConfigBuilder().withMapping(SyncConfig.class)
                .withConverter(java.time.Duration.class, 200, new io.quarkus.runtime.configuration.DurationConverter())
                .withConverter(io.quarkus.runtime.configuration.MemorySize.class, 200,
                        new io.quarkus.runtime.configuration.MemorySizeConverter())
                .withSources(new PropertiesConfigSource(settings, "test", 500)).build();
        return config.getConfigMapping(SyncConfig.class);
    }
}
