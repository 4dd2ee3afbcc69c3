package io.syncline.packaged;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import javax.management.MBeanAttributeInfo;
import javax.management.MBeanOperationInfo;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.syncline.support.Claims;
import io.syncline.support.DataDirResource;
import io.syncline.support.Examples;

/**
 * The flow MBeans as JConsole, VisualVM or the Prometheus JMX exporter see them: the packaged application with the
 * JDK's remote JMX agent (RMI, password file), the README's settings, and a JMX client in another process.
 */
class JmxIT {

    static final Path WORK = Path.of("target", "it-data", "jmx").toAbsolutePath();
    static final String MONITOR = "monitor";
    static final String MONITOR_PASSWORD = "jmx-reads-and-acts";

    @Test
    void aRemoteJmxClientReadsEveryAttributeOfEveryFlowAndPausesAndResumesAFlow() throws Exception {
        DataDirResource.deleteRecursively(WORK);
        Files.createDirectories(WORK);
        Path passwords = WORK.resolve("jmxremote.password");
        Files.writeString(passwords, MONITOR + " " + MONITOR_PASSWORD + "\n");
        Files.setPosixFilePermissions(passwords, PosixFilePermissions.fromString("rw-------"));
        Path access = WORK.resolve("jmxremote.access");
        Files.writeString(access, MONITOR + " readwrite\n");
        int jmxPort = PackagedApp.freePort();
        List<String> jmxAgent = List.of(
                "-Dcom.sun.management.jmxremote.port=" + jmxPort,
                "-Dcom.sun.management.jmxremote.rmi.port=" + jmxPort,
                "-Dcom.sun.management.jmxremote.host=127.0.0.1",
                "-Djava.rmi.server.hostname=127.0.0.1",
                "-Dcom.sun.management.jmxremote.authenticate=true",
                "-Dcom.sun.management.jmxremote.password.file=" + passwords,
                "-Dcom.sun.management.jmxremote.access.file=" + access,
                "-Dcom.sun.management.jmxremote.ssl=false");
        JMXServiceURL url = new JMXServiceURL("service:jmx:rmi:///jndi/rmi://127.0.0.1:" + jmxPort + "/jmxrmi");

        try (PackagedApp app = PackagedApp.start(WORK.resolve("data"), Map.of(), jmxAgent, WORK.resolve("app.log"))) {
            String claim = Claims.newClaimNumber();
            assertEquals(202, app.postJson("/webhooks/insurance-claims", Claims.valid(claim)).statusCode());
            await().atMost(Duration.ofSeconds(30)).until(() -> Outbox.keyCounts(WORK.resolve("data/outbox/insurance-claims")).containsKey(claim));

            assertThrows(SecurityException.class, () -> JMXConnectorFactory.connect(url).close(), "JMX without a password");
            try (JMXConnector connector = JMXConnectorFactory.connect(url,
                    Map.of(JMXConnector.CREDENTIALS, new String[] {MONITOR, MONITOR_PASSWORD}))) {
                MBeanServerConnection server = connector.getMBeanServerConnection();
                Set<ObjectName> flows = server.queryNames(new ObjectName("io.syncline:type=Flow,*"), null);
                Set<String> names = new TreeSet<>();
                flows.forEach(name -> names.add(name.getKeyProperty("name")));
                assertEquals(new TreeSet<>(Examples.configuredFlows()), names);

                List<String> failures = new ArrayList<>();
                int read = 0;
                for (ObjectName flow : flows) {
                    for (MBeanAttributeInfo attribute : server.getMBeanInfo(flow).getAttributes()) {
                        try {
                            server.getAttribute(flow, attribute.getName());
                            read++;
                        } catch (Exception e) {
                            failures.add(flow.getKeyProperty("name") + "." + attribute.getName() + ": " + e);
                        }
                    }
                }
                assertEquals(List.of(), failures);
                assertTrue(read >= 14 * flows.size(), read + " attributes read");

                ObjectName claims = new ObjectName("io.syncline:type=Flow,name=insurance-claims");
                Set<String> operations = new TreeSet<>();
                for (MBeanOperationInfo operation : server.getMBeanInfo(claims).getOperations()) {
                    operations.add(operation.getName());
                }
                assertEquals(Set.of("pause", "resume", "runNow", "replayDeadLetters"), operations);
                assertEquals("realtime", server.getAttribute(claims, "Mode"));
                assertEquals(1L, server.getAttribute(claims, "Published"));
                String health = (String) server.getAttribute(claims, "Health");
                assertTrue(health.matches("(healthy|stale|failing).*"), health);

                server.invoke(claims, "pause", null, null);
                assertEquals("paused", server.getAttribute(claims, "State"));
                assertEquals("paused", flowState(app));
                assertEquals(503, app.postJson("/webhooks/insurance-claims", Claims.valid(Claims.newClaimNumber())).statusCode());

                server.invoke(claims, "resume", null, null);
                assertEquals("running", server.getAttribute(claims, "State"));
                assertEquals("running", flowState(app));
                assertEquals(202, app.postJson("/webhooks/insurance-claims", Claims.valid(Claims.newClaimNumber())).statusCode());

                ObjectName risk = new ObjectName("io.syncline:type=Flow,name=insurance-actuarial-risk");
                assertEquals("insurance-actuarial-risk-file", server.invoke(risk, "runNow", null, null));
                String replayed = (String) server.invoke(claims, "replayDeadLetters", null, null);
                assertTrue(replayed.startsWith("replayed 0,"), replayed);
            }
        }
    }

    private static String flowState(PackagedApp app) throws Exception {
        return new ObjectMapper().readTree(app.get("/api/flows/insurance-claims").body()).path("state").asText();
    }
}
