package io.syncline.support;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;

/**
 * Claims (real-time, agent-facing) and actuarial risk files (batch) publish to a Salesforce org played by WireMock:
 * claims as Claim__c by Claim_Number__c, risk rows as Risk_Record__c by Risk_Record_Id__c grouped by segment.
 */
public class SalesforceTargets implements QuarkusTestProfile {

    public static final String API = "/services/data/v61.0";

    @Override
    public Map<String, String> getConfigOverrides() {
        Map<String, String> config = new HashMap<>();
        config.put("sync.flows.insurance-claims.target.kind", "salesforce");
        config.put("sync.flows.insurance-claims.webhook.open", "true");
        config.put("sync.flows.insurance-claims.target.salesforce.sobject", "Claim__c");
        config.put("sync.flows.insurance-claims.target.salesforce.external-id-field", "Claim_Number__c");
        config.put("sync.flows.insurance-claims.target.salesforce.mapping.Policy_Number__c", "policyNumber");
        config.put("sync.flows.insurance-claims.target.salesforce.mapping.Claimed_Amount__c", "claimedAmount");
        config.put("sync.flows.insurance-claims.target.salesforce.mapping.Claimant_Email__c", "/claimant/email");
        config.put("sync.flows.insurance-actuarial-risk.target.kind", "salesforce");
        config.put("sync.flows.insurance-actuarial-risk.target.salesforce.sobject", "Risk_Record__c");
        config.put("sync.flows.insurance-actuarial-risk.target.salesforce.external-id-field", "Risk_Record_Id__c");
        config.put("sync.flows.insurance-actuarial-risk.target.salesforce.mapping.Segment__c", "segmentCode");
        config.put("sync.flows.insurance-actuarial-risk.target.salesforce.mapping.Risk_Score__c", "riskScore");
        config.put("sync.flows.insurance-actuarial-risk.target.salesforce.parent-key", "segmentCode");
        config.put("sync.flows.insurance-actuarial-risk.target.salesforce.bulk-threshold", "300");
        // the WireMock org scripts one Bulk API job (one id, its states in a scenario): a file's jobs one at a time
        config.put("sync.flows.insurance-actuarial-risk.target.chunks-in-flight", "1");
        config.put("sync.salesforce.api-reserve", "1000");
        config.put("sync.salesforce.hold-check-interval", "PT0.2S");
        config.put("sync.salesforce.limit-backoff", "PT1.5S");
        config.put("sync.salesforce.lock-retry-jitter", "PT0.05S");
        config.put("sync.salesforce.bulk-poll-interval", "PT0.05S");
        // a job still running after 3 s is aborted (SalesforceTargetTest scripts one that never ends by itself)
        config.put("sync.salesforce.bulk-timeout", "PT3S");
        config.put("sync.salesforce.request-timeout", "PT2S");
        config.put("sync.retry.max-redeliveries", "3");
        return config;
    }

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(
                new TestResourceEntry(DataDirResource.class, Map.of("name", "salesforce-targets")),
                new TestResourceEntry(SalesforceOrgResource.class));
    }
}
