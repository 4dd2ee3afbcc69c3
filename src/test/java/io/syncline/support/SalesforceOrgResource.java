package io.syncline.support;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import com.github.tomakehurst.wiremock.WireMockServer;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * WireMock playing a Salesforce org (login endpoint and REST API on one server), and the connected app's JWT key: an
 * RSA key pair in a PKCS12 keystore, made by the JDK's keytool (the JDK has no public API that signs the certificate
 * a keystore entry needs).
 */
public class SalesforceOrgResource implements QuarkusTestResourceLifecycleManager {

    public static final String CLIENT_ID = "3MVG9test.connected.app";
    public static final String USERNAME = "integration@syncline.example";
    static final String KEYSTORE_PASSWORD = "changeit-test";

    private static WireMockServer server;

    public static WireMockServer server() {
        return server;
    }

    @Override
    public Map<String, String> start() {
        server = new WireMockServer(options().dynamicPort()
                .extensions(new SalesforceCollections("Risk_Record_Id__c")));
        server.start();
        return Map.of(
                "sync.salesforce.login-url", server.baseUrl(),
                "sync.salesforce.auth", "jwt",
                "sync.salesforce.client-id", CLIENT_ID,
                "sync.salesforce.username", USERNAME,
                "sync.salesforce.keystore-path", jwtKeystore().toString(),
                "sync.salesforce.keystore-password", KEYSTORE_PASSWORD);
    }

    /** An RSA key pair and its self-signed certificate, as a connected app's JWT key. */
    static Path jwtKeystore() {
        try {
            Path dir = Files.createTempDirectory("syncline-jwt");
            Path keystore = dir.resolve("jwt.p12");
            Process keytool = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                    "-genkeypair", "-alias", "syncline", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                    "-dname", "CN=syncline-test", "-storetype", "PKCS12", "-keystore", keystore.toString(),
                    "-storepass", KEYSTORE_PASSWORD, "-keypass", KEYSTORE_PASSWORD))
                    .redirectErrorStream(true).start();
            String output = new String(keytool.getInputStream().readAllBytes());
            if (keytool.waitFor() != 0) {
                throw new IllegalStateException("keytool failed: " + output);
            }
            keystore.toFile().deleteOnExit();
            dir.toFile().deleteOnExit();
            return keystore;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop();
            server = null;
        }
    }
}
