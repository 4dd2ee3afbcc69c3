package io.syncline.support;

import java.util.List;
import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;

/**
 * Short freshness limits so that silence and failures show within seconds: monthly statements may be silent for
 * two seconds, outcome reporting and actuarial risk may hold no dead letter; actuarial risk publishes to WireMock.
 */
public class Watched implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "sync.flows.financial-monthly-statements.freshness.max-silence", "PT2S",
                "sync.flows.healthcare-outcome-reporting.freshness.max-silence", "PT1H",
                "sync.flows.insurance-actuarial-risk.freshness.max-dead-letters", "0",
                "sync.flows.insurance-actuarial-risk.freshness.max-silence", "PT1H",
                "sync.flows.insurance-actuarial-risk.target.kind", "http",
                "sync.flows.insurance-claims.freshness.max-lag", "PT1H");
    }

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(DataDirResource.class, Map.of("name", "watched")),
                new TestResourceEntry(WireMockResource.class, Map.of("sync.flows.insurance-actuarial-risk.target.url", "/crm/risk")));
    }
}
