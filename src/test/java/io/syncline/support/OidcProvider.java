package io.syncline.support;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * An OpenID Connect provider played by WireMock: its discovery document and its signing key (JWKS), and the
 * RS256 access tokens it would issue. Syncline is pointed at it by configuration only, as in production.
 */
public class OidcProvider implements QuarkusTestResourceLifecycleManager {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static WireMockServer server;
    private static KeyPair key;

    @Override
    public Map<String, String> start() {
        key = newKey();
        server = new WireMockServer(options().dynamicPort());
        server.start();
        String issuer = issuer();
        RSAPublicKey publicKey = (RSAPublicKey) key.getPublic();
        server.stubFor(get(urlEqualTo("/realms/syncline/.well-known/openid-configuration")).willReturn(okJson(json(Map.of(
                "issuer", issuer, "jwks_uri", issuer + "/protocol/openid-connect/certs",
                "token_endpoint", issuer + "/protocol/openid-connect/token",
                "authorization_endpoint", issuer + "/protocol/openid-connect/auth")))));
        server.stubFor(get(urlEqualTo("/realms/syncline/protocol/openid-connect/certs")).willReturn(okJson(json(Map.of(
                "keys", List.of(Map.of("kty", "RSA", "kid", "k1", "use", "sig", "alg", "RS256",
                        "n", B64.encodeToString(unsigned(publicKey.getModulus())),
                        "e", B64.encodeToString(unsigned(publicKey.getPublicExponent())))))))));
        return Map.of("quarkus.oidc.tenant-enabled", "true", "quarkus.oidc.auth-server-url", issuer);
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop();
            server = null;
        }
    }

    /** An access token for {@code user} with these groups (Syncline's roles), valid for {@code validFor}. */
    public static String token(String user, List<String> groups, Duration validFor) {
        return signed(key, user, groups, Instant.now().plus(validFor));
    }

    /** A well-formed token with the right issuer, signed by a key the provider never published. */
    public static String forgedToken(String user, List<String> groups) {
        return signed(newKey(), user, groups, Instant.now().plus(Duration.ofMinutes(5)));
    }

    private static String signed(KeyPair signer, String user, List<String> groups, Instant expires) {
        Instant now = Instant.now();
        String header = B64.encodeToString(json(Map.of("alg", "RS256", "typ", "JWT", "kid", "k1")).getBytes(StandardCharsets.UTF_8));
        String claims = B64.encodeToString(json(Map.of("iss", issuer(), "sub", user, "preferred_username", user,
                "groups", groups, "iat", now.minusSeconds(60).getEpochSecond(), "exp", expires.getEpochSecond()))
                .getBytes(StandardCharsets.UTF_8));
        try {
            Signature rs256 = Signature.getInstance("SHA256withRSA");
            rs256.initSign(signer.getPrivate());
            rs256.update((header + "." + claims).getBytes(StandardCharsets.US_ASCII));
            return header + "." + claims + "." + B64.encodeToString(rs256.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String issuer() {
        return server.baseUrl() + "/realms/syncline";
    }

    private static KeyPair newKey() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] unsigned(BigInteger value) {
        byte[] bytes = value.toByteArray();
        return bytes[0] == 0 ? java.util.Arrays.copyOfRange(bytes, 1, bytes.length) : bytes;
    }

    private static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
