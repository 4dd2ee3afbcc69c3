package io.syncline.support;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import java.util.HashMap;
import java.util.Map;

import com.github.tomakehurst.wiremock.WireMockServer;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * A real HTTP server playing the target or the source API. Every init argument names a config key and a path;
 * the key is set to the server's URL plus that path.
 */
public class WireMockResource implements QuarkusTestResourceLifecycleManager {

    private static WireMockServer server;
    private Map<String, String> paths = Map.of();

    public static WireMockServer server() {
        return server;
    }

    @Override
    public void init(Map<String, String> initArgs) {
        paths = initArgs;
    }

    @Override
    public Map<String, String> start() {
        server = new WireMockServer(options().dynamicPort());
        server.start();
        Map<String, String> config = new HashMap<>();
        paths.forEach((key, path) -> config.put(key, server.baseUrl() + path));
        return config;
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop();
            server = null;
        }
    }
}
