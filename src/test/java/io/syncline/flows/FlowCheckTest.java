package io.syncline.flows;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.syncline.config.FlowFolders;
import io.syncline.validation.FlowSchemas;

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

    /**
     * A schema.json of {@code sync.flows-dir} that is no JSON Schema stops the start as it stops a reload: the validator
     * compiles {@code "type": "objekt"} without a word, and the flow would then refuse or pass records for a typo.
     */
    @Test
    void aFolderOutsideTheJarWhoseSchemaIsNoJsonSchemaIsRefusedAtStartAsOnAReload() {
        FlowFolders.Folder bad = new FlowFolders.Folder("healthcare-bad-schema",
                Optional.of(Path.of("src/test/resources/flow-check/healthcare-bad-schema")));
        List<String> problems = FlowStartupCheck.notASchema(new ObjectMapper(), bad);
        assertTrue(problems.stream().anyMatch(p -> p.contains("healthcare-bad-schema/schema.json: not a JSON Schema 2020-12")
                && p.contains("$.type")), String.join("\n", problems));
        // what start-up asked before: the validator alone
        new FlowSchemas(new ObjectMapper(), Map.of(bad.id(), bad)).forFlow(bad.id());

        FlowFolders.Folder good = new FlowFolders.Folder("healthcare-lab-results",
                Optional.of(Path.of("src/test/resources/external-flows/healthcare-lab-results")));
        assertEquals(List.of(), FlowStartupCheck.notASchema(new ObjectMapper(), good));
        assertEquals(List.of(), FlowStartupCheck.notASchema(new ObjectMapper(), new FlowFolders.Folder("insurance-claims", Optional.empty())));
    }

    /** A folder whose name is no kebab-case flow id is refused in one line, whatever its files. */
    @Test
    void aFolderWhoseNameIsNotAFlowIdIsOneProblem(@TempDir Path dir) throws IOException {
        Path good = Path.of("src/test/resources/external-flows/healthcare-lab-results");
        for (String name : List.of("Healthcare_Lab_Results", "labresults", "healthcare--lab")) {
            Path folder = Files.createDirectories(dir.resolve(name));
            try (Stream<Path> files = Files.list(good)) {
                for (Path file : files.filter(Files::isRegularFile).toList()) {
                    Files.copy(file, folder.resolve(file.getFileName()));
                }
            }
        }
        List<String> problems = new FlowCheck().check(dir);
        assertEquals(3, problems.size(), String.join("\n", problems));
        for (String name : List.of("Healthcare_Lab_Results", "labresults", "healthcare--lab")) {
            assertTrue(problems.contains(name + "/: flow id '" + name + "' is not kebab-case <industry>-<entity> (lower-case"
                    + " letters and digits, words joined by single hyphens, e.g. retail-gift-cards): rename the folder"),
                    String.join("\n", problems));
        }
        IllegalStateException refused = assertThrows(IllegalStateException.class,
                () -> FlowFolders.find(Optional.of(dir.toString())));
        assertTrue(refused.getMessage().contains("is not kebab-case"), refused.getMessage());
    }

    @Test
    void theCommandExitsNonZeroWithOneLinePerProblem() {
        assertEquals(1, FlowCheck.run("src/test/resources/flow-check"));
        assertEquals(0, FlowCheck.run("src/main/resources/flows"));
        assertEquals(1, FlowCheck.run("src/test/resources/no-such-folder"));
        assertEquals(2, FlowCheck.run());
    }
}
