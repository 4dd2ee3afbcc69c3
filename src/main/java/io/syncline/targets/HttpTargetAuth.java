package io.syncline.targets;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.camel.Message;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.syncline.config.SyncConfig;
import io.syncline.config.SyncConfig.TargetAuth;

/**
 * The credentials of an http target, per flow ({@code sync.flows.<id>.target.auth.*}): a bearer token, basic, an API
 * key header, or an OAuth2 client-credentials token fetched from the token endpoint, kept until shortly before it
 * expires and fetched again when the target answers {@code 401} to it. No secret and no token is ever logged or put in
 * a URL. Camel's http producer can fetch client-credentials tokens too, but cannot drop one the target refused.
 */
@ApplicationScoped
public class HttpTargetAuth {

    private static final Logger LOG = Logger.getLogger(HttpTargetAuth.class);
    /** A token this close to its expiry is fetched again rather than sent. */
    static final Duration EXPIRY_MARGIN = Duration.ofSeconds(30);

    private record Token(String value, Instant expiresAt) {
    }

    private final SyncConfig config;
    private final ObjectMapper mapper;
    private final Map<String, Token> tokens = new ConcurrentHashMap<>();
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    HttpTargetAuth(SyncConfig config, ObjectMapper mapper) {
        this.config = config;
        this.mapper = mapper;
    }

    /** Puts the flow's credentials on the request (after its inbound headers were cleared). */
    public void authenticate(String flow, Message request) {
        TargetAuth auth = config.flow(flow).target().auth();
        switch (auth.kind()) {
            case none -> {
            }
            case bearer -> request.setHeader("Authorization", "Bearer " + required(flow, "token", auth.token().orElse(null)));
            case basic -> request.setHeader("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                    (required(flow, "username", auth.username().orElse(null)) + ":"
                            + required(flow, "password", auth.password().orElse(null))).getBytes(StandardCharsets.UTF_8)));
            case api_key -> request.setHeader(auth.header(), required(flow, "api-key", auth.apiKey().orElse(null)));
            case oauth2 -> request.setHeader("Authorization", "Bearer " + token(flow, auth));
        }
    }

    /**
     * The target answered {@code 401}. With OAuth2 the token is dropped and the call is retried with a new one;
     * true when that is worth it.
     */
    public boolean refused(String flow) {
        if (config.flow(flow).target().auth().kind() != SyncConfig.TargetAuthKind.oauth2) {
            return false;
        }
        LOG.infof("Flow %s: the target refused its OAuth2 token; a new one is fetched", flow);
        tokens.remove(flow);
        return true;
    }

    /** What is wrong with a flow's auth settings, or null: start-up names the missing key. */
    public static String missing(String flow, TargetAuth auth) {
        String prefix = "sync.flows." + flow + ".target.auth.";
        return switch (auth.kind()) {
            case none -> null;
            case bearer -> auth.token().isEmpty() ? prefix + "token" : null;
            case basic -> auth.username().isEmpty() ? prefix + "username" : auth.password().isEmpty() ? prefix + "password" : null;
            case api_key -> auth.apiKey().isEmpty() ? prefix + "api-key" : null;
            case oauth2 -> auth.tokenUrl().isEmpty() ? prefix + "token-url"
                    : auth.clientId().isEmpty() ? prefix + "client-id"
                    : auth.clientSecret().isEmpty() ? prefix + "client-secret" : null;
        };
    }

    private String token(String flow, TargetAuth auth) {
        Token cached = tokens.get(flow);
        if (cached != null && Instant.now().plus(EXPIRY_MARGIN).isBefore(cached.expiresAt())) {
            return cached.value();
        }
        Token fresh = fetch(flow, auth);
        tokens.put(flow, fresh);
        return fresh.value();
    }

    /** RFC 6749 client credentials grant, the client authenticated with HTTP Basic. */
    private Token fetch(String flow, TargetAuth auth) {
        String form = "grant_type=client_credentials" + auth.scope().map(s -> "&scope=" + URLEncoder.encode(s, StandardCharsets.UTF_8)).orElse("");
        String client = URLEncoder.encode(required(flow, "client-id", auth.clientId().orElse(null)), StandardCharsets.UTF_8) + ":"
                + URLEncoder.encode(required(flow, "client-secret", auth.clientSecret().orElse(null)), StandardCharsets.UTF_8);
        HttpRequest request = HttpRequest.newBuilder(URI.create(required(flow, "token-url", auth.tokenUrl().orElse(null))))
                .timeout(config.flow(flow).target().timeout())
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json")
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(client.getBytes(StandardCharsets.UTF_8)))
                .POST(HttpRequest.BodyPublishers.ofString(form))
                .build();
        HttpResponse<String> answer;
        try {
            answer = this.client.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new TransientTargetException("The OAuth2 token endpoint of flow " + flow + " could not be reached: "
                    + e.getClass().getSimpleName());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TransientTargetException("Interrupted while fetching the OAuth2 token of flow " + flow);
        }
        int status = answer.statusCode();
        if (status == 408 || status == 429 || status >= 500) {
            throw new TransientTargetException("The OAuth2 token endpoint of flow " + flow + " answered HTTP " + status);
        }
        JsonNode body;
        try {
            body = mapper.readTree(answer.body());
        } catch (IOException e) {
            body = null;
        }
        if (status / 100 != 2 || body == null || !body.path("access_token").isTextual()) {
            // the answer is not quoted: it may carry what was sent
            throw new PermanentTargetException("The OAuth2 token endpoint of flow " + flow + " gave no token (HTTP " + status
                    + "): check sync.flows." + flow + ".target.auth.client-id, client-secret and scope");
        }
        long expiresIn = body.path("expires_in").asLong(3600);
        LOG.debugf("Flow %s: OAuth2 token fetched, valid %d s", flow, expiresIn);
        return new Token(body.path("access_token").asText(), Instant.now().plusSeconds(expiresIn));
    }

    private static String required(String flow, String key, String value) {
        if (value == null || value.isBlank()) {
            throw new PermanentTargetException("sync.flows." + flow + ".target.auth." + key + " is not set");
        }
        return value;
    }
}
