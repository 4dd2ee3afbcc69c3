package io.syncline.support;

import java.util.List;
import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;

/**
 * Short freshness limits so that silence and failures show within seconds: monthly statements may be silent for
 * two seconds, outcome reporting and actuarial risk may hold no dead letter; actuarial risk publishes to WireMock;
 * online purchases fail from five records on; patient discharges expect a record every five seconds, all day.
 */
public class Watched implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.ofEntries(
                Map.entry("sync.flows.financial-monthly-statements.freshness.max-silence", "PT2S"),
                Map.entry("sync.flows.healthcare-outcome-reporting.freshness.max-silence", "PT1H"),
                Map.entry("sync.flows.insurance-actuarial-risk.freshness.max-dead-letters", "0"),
                Map.entry("sync.flows.insurance-actuarial-risk.freshness.max-silence", "PT1H"),
                Map.entry("sync.flows.insurance-actuarial-risk.target.kind", "http"),
                Map.entry("sync.flows.insurance-claims.freshness.max-lag", "PT1H"),
                Map.entry("sync.flows.retail-online-purchases.freshness.rejection-min-count", "5"),
                Map.entry("sync.flows.retail-online-purchases.freshness.rejection-window", "PT10M"),
                Map.entry("sync.flows.healthcare-patient-discharges.freshness.expected-activity.max-quiet", "PT5S"),
                Map.entry("sync.flows.healthcare-patient-discharges.freshness.expected-activity.hours", "DAILY 00:00-24:00"),
                Map.entry("sync.flows.healthcare-patient-discharges.freshness.expected-activity.zone", "UTC"));
    }

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(DataDirResource.class, Map.of("name", "watched")),
                new TestResourceEntry(WireMockResource.class, Map.of("sync.flows.insurance-actuarial-risk.target.url", "/crm/risk")));
    }
}
