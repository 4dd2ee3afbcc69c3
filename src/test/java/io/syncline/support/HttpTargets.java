package io.syncline.support;

import java.util.List;
import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;

/** Both insurance flows publish to an http target played by WireMock; retries are quick. */
public class HttpTargets implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "sync.flows.insurance-claims.target.kind", "http",
                "sync.flows.insurance-claims.webhook.open", "true",
                "sync.flows.insurance-actuarial-risk.target.kind", "http",
                "sync.flows.insurance-actuarial-risk.target.chunk-size", "50",
                "sync.retry.max-redeliveries", "3");
    }

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(
                new TestResourceEntry(DataDirResource.class, Map.of("name", "http-targets")),
                new TestResourceEntry(WireMockResource.class, Map.of(
                        "sync.flows.insurance-claims.target.url", "/crm/claims",
                        "sync.flows.insurance-actuarial-risk.target.url", "/crm/risk")));
    }
}
