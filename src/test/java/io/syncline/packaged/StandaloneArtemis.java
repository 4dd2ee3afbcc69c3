package io.syncline.packaged;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import io.syncline.support.DataDirResource;

/**
 * The standalone ActiveMQ Artemis distribution from Maven Central (unpacked by the build), as an instance of its own
 * on a free port with only its core acceptor open (AMQP and MQTT would collide with the machine's RabbitMQ and
 * Mosquitto), signing in user {@code syncline}.
 */
final class StandaloneArtemis implements AutoCloseable {

    static final String USER = "syncline";
    static final String PASSWORD = "syncline";

    private final Path instance;
    private final Path log;
    private final int port;
    private Process process;

    private StandaloneArtemis(Path instance, Path log, int port) {
        this.instance = instance;
        this.log = log;
        this.port = port;
    }

    /** Creates a fresh broker instance under {@code work} and starts it. */
    static StandaloneArtemis createAndStart(Path work) throws IOException, InterruptedException {
        Path home = Path.of(System.getProperty("syncline.artemis.home", "target/artemis/apache-artemis-2.40.0"));
        Path instance = work.resolve("artemis-instance");
        DataDirResource.deleteRecursively(instance);
        int port = PackagedApp.freePort();
        java.nio.file.Files.createDirectories(work);
        Process create = new ProcessBuilder("bash", home.resolve("bin/artemis").toString(), "create", instance.toString(),
                "--silent", "--no-web", "--host", "127.0.0.1", "--default-port", String.valueOf(port),
                "--user", USER, "--password", PASSWORD, "--require-login", "--no-autotune",
                "--no-amqp-acceptor", "--no-mqtt-acceptor", "--no-stomp-acceptor", "--no-hornetq-acceptor")
                .redirectErrorStream(true).redirectOutput(work.resolve("artemis-create.log").toFile()).start();
        if (create.waitFor() != 0) {
            throw new IllegalStateException("artemis create failed; see " + work.resolve("artemis-create.log"));
        }
        StandaloneArtemis broker = new StandaloneArtemis(instance, work.resolve("artemis-run.log"), port);
        broker.start();
        return broker;
    }

    /** Syncline's settings for this broker, with no broker of its own. */
    Map<String, String> syncSettings() {
        return Map.of("sync.broker.embedded", "false", "quarkus.artemis.url", "tcp://127.0.0.1:" + port,
                "quarkus.artemis.username", USER, "quarkus.artemis.password", PASSWORD);
    }

    /** Starts the broker process and waits until its acceptor takes connections. */
    void start() throws IOException {
        Process started = new ProcessBuilder("bash", instance.resolve("bin/artemis").toString(), "run")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        process = started;
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            if (!started.isAlive()) {
                throw new IllegalStateException("the broker exited; see " + log);
            }
            try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
                return true;
            } catch (IOException e) {
                return false;
            }
        });
    }

    /** {@code kill -9} of the broker process. */
    void kill() throws InterruptedException {
        process.destroyForcibly().waitFor();
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null) {
            process.destroy();
            process.waitFor();
        }
    }
}
