package io.syncline.support;

import java.util.List;
import java.util.Map;

import org.eclipse.microprofile.config.ConfigProvider;

import io.quarkus.test.junit.QuarkusTestProfile;

/** Adds the test flow testing-pull-items: a pull every second from a source API played by WireMock. */
public class PullSource implements QuarkusTestProfile {

    public static final String FLOW = "testing-pull-items";

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "camel.main.routes-include-pattern", ConfigProvider.getConfig().getValue("camel.main.routes-include-pattern", String.class)
                        + ",classpath:test-routes/*.camel.yaml",
                "sync.flows." + FLOW + ".mode", "batch",
                "sync.flows." + FLOW + ".schedule", "0/1 * * * * ?",
                "sync.flows." + FLOW + ".pull.page-size", "2");
    }

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(
                new TestResourceEntry(DataDirResource.class, Map.of("name", "pull-source")),
                new TestResourceEntry(WireMockResource.class, Map.of("sync.flows." + FLOW + ".pull.url", "/source/items")));
    }
}
