package io.syncline.support;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import org.awaitility.Awaitility;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Headless Chromium driven through Debian's chromedriver over the W3C WebDriver protocol (plain HTTP and JSON, so
 * no client library and its dependencies). {@code .ci/run} installs {@code chromium} and {@code chromium-driver}.
 */
public final class Chromium implements AutoCloseable {

    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newHttpClient();

    private final Process driver;
    private final String base;
    private final String session;

    private Chromium(Process driver, String base, String session) {
        this.driver = driver;
        this.base = base;
        this.session = session;
    }

    public static Chromium start() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Process driver = new ProcessBuilder(System.getProperty("syncline.chromedriver", "/usr/bin/chromedriver"), "--port=" + port)
                .redirectErrorStream(true).redirectOutput(Path.of("target", "chromedriver.log").toFile()).start();
        String base = "http://127.0.0.1:" + port;
        Awaitility.await().atMost(Duration.ofSeconds(20)).ignoreExceptions()
                .until(() -> call("GET", base + "/status", null).path("value").path("ready").asBoolean());
        Path profile = Files.createTempDirectory("syncline-chromium");
        Map<String, Object> options = Map.of("binary", System.getProperty("syncline.chromium", "/usr/bin/chromium"),
                "args", List.of("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                        "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                        "--disable-sync", "--window-size=1600,1000", "--user-data-dir=" + profile));
        JsonNode created = call("POST", base + "/session", Map.of("capabilities",
                Map.of("alwaysMatch", Map.of("browserName", "chrome", "goog:chromeOptions", options))));
        String session = created.path("value").path("sessionId").asText();
        if (session.isEmpty()) {
            driver.destroy();
            throw new IllegalStateException("chromedriver did not start a session: " + created);
        }
        return new Chromium(driver, base, session);
    }

    public void open(String url) throws IOException {
        call("POST", base + "/session/" + session + "/url", Map.of("url", url));
    }

    /** Runs JavaScript in the page and returns its value as text (null as ""). */
    public String script(String javascript) throws IOException {
        JsonNode value = call("POST", base + "/session/" + session + "/execute/sync",
                Map.of("script", javascript, "args", List.of())).path("value");
        return value.isNull() ? "" : value.asText();
    }

    public void screenshot(Path file) throws IOException {
        String png = call("GET", base + "/session/" + session + "/screenshot", null).path("value").asText();
        Files.createDirectories(file.getParent());
        Files.write(file, Base64.getDecoder().decode(png));
    }

    @Override
    public void close() {
        try {
            call("DELETE", base + "/session/" + session, null);
        } catch (IOException ignored) {
            // the driver goes anyway
        } finally {
            driver.destroy();
        }
    }

    private static JsonNode call(String method, String url, Object body) throws IOException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json");
        request.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        try {
            return JSON.readTree(HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString()).body());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }
}
