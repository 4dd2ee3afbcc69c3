package io.syncline.support;

import java.util.List;
import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;

/** Syncline as the README's first command runs it: embedded broker, outbox target, nothing external. */
public class EmbeddedDefaults implements QuarkusTestProfile {

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(DataDirResource.class, Map.of("name", "embedded")));
    }
}
