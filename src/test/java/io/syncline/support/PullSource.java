package io.syncline.support;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;

/**
 * Adds the test flow testing-pull-items, a flow folder outside the jar (src/test/resources/test-flows): a pull every
 * second from a source API played by WireMock.
 */
public class PullSource implements QuarkusTestProfile {

    public static final String FLOW = "testing-pull-items";

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("sync.flows-dir", Path.of("src/test/resources/test-flows").toAbsolutePath().toString());
    }

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(
                new TestResourceEntry(DataDirResource.class, Map.of("name", "pull-source")),
                new TestResourceEntry(WireMockResource.class, Map.of("sync.flows." + FLOW + ".pull.url", "/source/items")));
    }
}
