package io.syncline.freshness;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/**
 * The Prometheus alert rules ({@code docker/prometheus/alerts.yml}) are valid and alert each flow at its own limits
 * ({@code docker/prometheus/alerts-test.yml}), with Debian's promtool ({@code .ci/run} installs it).
 */
class AlertRulesTest {

    @Test
    void theRulesAreValid() throws Exception {
        promtool("check", "rules", "docker/prometheus/alerts.yml");
    }

    @Test
    void eachFlowAlertsAtItsOwnLimitsAlsoAfterARestart() throws Exception {
        promtool("test", "rules", "docker/prometheus/alerts-test.yml");
    }

    private static void promtool(String... arguments) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>(List.of("promtool"));
        command.addAll(List.of(arguments));
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new IllegalStateException("promtool is not installed: apt-get install prometheus (as .ci/run does)", e);
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
        assertEquals(0, process.exitValue(), String.join(" ", command) + ":\n" + output);
    }
}
