package io.syncline.flows;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;

/** The offline check ({@code java -jar quarkus-run.jar check <flows-dir>}) on good and broken flow folders. */
class FlowCheckTest {

    @Test
    void theBuiltInFlowsPass() {
        assertEquals(List.of(), new FlowCheck().check(Path.of("src/main/resources/flows")));
    }

    @Test
    void aFlowDefinedOnlyOutsideTheJarPasses() {
        assertEquals(List.of(), new FlowCheck().check(Path.of("src/test/resources/external-flows")));
    }

    /** Each folder under flow-check/ is the good flow with one file broken: its problem names that folder and file. */
    @Test
    void eachBrokenFolderIsNamedWithItsFileAndWhatIsWrong() {
        List<String> problems = new FlowCheck().check(Path.of("src/test/resources/flow-check"));
        Map<String, String> expected = new TreeMap<>(Map.of(
                "healthcare-copied-route/route.yaml", "belongs to flow healthcare-lab-results",
                "healthcare-foreign-step/route.yaml", "consumes direct:normalize"));
        expected.putAll(Map.of(
                "healthcare-bad-yaml/route.yaml", "yaml",
                "healthcare-unknown-template/route.yaml", "sftp-intake",
                "healthcare-missing-parameter/route.yaml", "flowId",
                "healthcare-bad-schema/schema.json", "JSON Schema",
                "healthcare-unknown-key/flow.properties", "unknown key freshnes.max-lag",
                "healthcare-bad-cron/flow.properties", "schedule=0 0 25 * * ?",
                "healthcare-incomplete-target/flow.properties", "target.url",
                "healthcare-wrong-example/examples/valid.json", "/value"));
        TreeSet<String> named = new TreeSet<>();
        for (String problem : problems) {
            named.add(problem.substring(0, problem.indexOf(": ")));
        }
        assertEquals(expected.keySet(), named, String.join("\n", problems));
        expected.forEach((file, what) -> assertTrue(problems.stream()
                .anyMatch(p -> p.startsWith(file + ": ") && p.toLowerCase().contains(what.toLowerCase())),
                file + " should say " + what + ":\n" + String.join("\n", problems)));
    }

    @Test
    void theCommandExitsNonZeroWithOneLinePerProblem() {
        assertEquals(1, FlowCheck.run("src/test/resources/flow-check"));
        assertEquals(0, FlowCheck.run("src/main/resources/flows"));
        assertEquals(1, FlowCheck.run("src/test/resources/no-such-folder"));
        assertEquals(2, FlowCheck.run());
    }
}
