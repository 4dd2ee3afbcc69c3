package io.syncline.support;

import java.util.List;
import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;

/** All fifteen flows on their embedded defaults, with the two pull flows reading WireMock sources every second. */
public class AllFlows implements QuarkusTestProfile {

    public static final Map<String, String> PULL_PATHS = Map.of(
            "manufacturing-production-output", "/mes/output",
            "retail-catalog-pricing", "/pim/prices");

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("sync.flows.manufacturing-production-output.schedule", "0/1 * * * * ?");
    }

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(
                new TestResourceEntry(DataDirResource.class, Map.of("name", "all-flows")),
                new TestResourceEntry(WireMockResource.class, Map.of(
                        "sync.flows.manufacturing-production-output.pull.url", PULL_PATHS.get("manufacturing-production-output"),
                        "sync.flows.retail-catalog-pricing.pull.url", PULL_PATHS.get("retail-catalog-pricing"))));
    }
}
