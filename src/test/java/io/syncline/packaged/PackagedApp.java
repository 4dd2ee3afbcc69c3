package io.syncline.packaged;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.awaitility.Awaitility;

import io.syncline.support.Users;

/** The packaged application ({@code target/quarkus-app/quarkus-run.jar}) run as its own process, as a user runs it. */
public final class PackagedApp implements AutoCloseable {

    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final Process process;
    private final int port;
    private Duration readyAfter;

    private PackagedApp(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /** Starts the jar with {@code -D} settings and waits until {@code /q/health/ready} answers 200. */
    public static PackagedApp start(Path dataDir, Map<String, String> settings, Path log) {
        return start(dataDir, settings, List.of(), log);
    }

    /** The same with JVM options (a heap size, a flight recording) before {@code -jar}. */
    public static PackagedApp start(Path dataDir, Map<String, String> settings, List<String> jvmOptions, Path log) {
        return start(javaOfTests(), runner(), dataDir, settings, jvmOptions, log);
    }

    /** Another jar ({@code runner}) on another JVM ({@code java}, its {@code bin/java}). */
    public static PackagedApp start(Path java, String runner, Path dataDir, Map<String, String> settings, List<String> jvmOptions,
            Path log) {
        int port = freePort();
        try {
            long launchedAt = System.nanoTime();
            Process process = launch(java, runner, dataDir, port, settings, jvmOptions, log);
            PackagedApp app = new PackagedApp(process, port);
            Awaitility.await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(20))
                    .until(() -> {
                        if (!process.isAlive()) {
                            throw new IllegalStateException("Syncline exited with " + process.exitValue() + "; see " + log);
                        }
                        return app.status("/q/health/ready") == 200;
                    });
            app.readyAfter = Duration.ofNanos(System.nanoTime() - launchedAt);
            return app;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs the jar until it exits by itself (a start-up that is refused); its exit code. */
    static int runUntilExit(Path dataDir, Map<String, String> settings, Path log) throws IOException, InterruptedException {
        Process process = launch(javaOfTests(), runner(), dataDir, freePort(), settings, List.of(), log);
        if (!process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
            throw new AssertionError("Syncline did not exit; see " + log);
        }
        return process.exitValue();
    }

    public static Path javaOfTests() {
        return Path.of(System.getProperty("java.home"), "bin", "java");
    }

    /** The packaged jar the tests run: the README's, unless -Dsyncline.runner names another. */
    public static String runner() {
        return System.getProperty("syncline.runner", "target/quarkus-app/quarkus-run.jar");
    }

    private static Process launch(Path java, String runner, Path dataDir, int port, Map<String, String> settings,
            List<String> jvmOptions, Path log) throws IOException {
        List<String> command = new ArrayList<>(List.of(java.toString()));
        command.addAll(jvmOptions);
        command.addAll(List.of("-Dsync.data-dir=" + dataDir, "-Dquarkus.http.port=" + port));
        // the operator otto, so the API can be read as a user would read it
        Users.operatorSettings().forEach((key, value) -> command.add("-D" + key + "=" + value));
        settings.forEach((key, value) -> command.add("-D" + key + "=" + value));
        command.addAll(List.of("-jar", runner));
        Files.createDirectories(log.getParent());
        return new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    }

    /** From launch to the first 200 of {@code /q/health/ready} (polled every 20 ms). */
    public Duration readyAfter() {
        return readyAfter;
    }

    public long pid() {
        return process.pid();
    }

    public String url(String path) {
        return "http://localhost:" + port + path;
    }

    public int status(String path) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(url(path))).timeout(Duration.ofSeconds(5)).GET().build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url(path))).header("Authorization", Users.operatorAuthorization())
                .GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> postJson(String path, String json) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url(path))).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** An operation of the API (run, pause, resume), as the operator otto. */
    HttpResponse<String> postAsOperator(String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url(path))).header("Authorization", Users.operatorAuthorization())
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> deleteAsOperator(String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url(path))).header("Authorization", Users.operatorAuthorization())
                .DELETE().build(), HttpResponse.BodyHandlers.ofString());
    }

    /** SIGTERM, as an orchestrator stops it; its exit code once it has exited. */
    public int terminate() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
            throw new AssertionError("Syncline did not stop within 60 s of SIGTERM");
        }
        return process.exitValue();
    }

    /** {@code kill -9}: no shutdown hook runs, nothing is flushed that was not already durable. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(java.util.concurrent.TimeUnit.SECONDS.toMillis(30), java.util.concurrent.TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor();
            }
        }
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
