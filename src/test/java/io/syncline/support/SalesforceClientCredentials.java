package io.syncline.support;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;

/** Claims publish to the WireMock org, which the app logs in to with OAuth 2.0 client credentials. */
public class SalesforceClientCredentials implements QuarkusTestProfile {

    public static final String CLIENT_SECRET = "test-consumer-secret-9F3A";

    @Override
    public Map<String, String> getConfigOverrides() {
        Map<String, String> config = new HashMap<>(new SalesforceTargets().getConfigOverrides());
        config.put("sync.salesforce.auth", "client-credentials");
        config.put("sync.salesforce.client-secret", CLIENT_SECRET);
        return config;
    }

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(
                new TestResourceEntry(DataDirResource.class, Map.of("name", "salesforce-client-credentials")),
                new TestResourceEntry(SalesforceOrgResource.class));
    }
}
