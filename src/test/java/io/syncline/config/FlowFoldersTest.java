package io.syncline.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which folder each flow comes from, and what the folders give the configuration. */
class FlowFoldersTest {

    @Test
    void theBuiltInFlowsComeFromTheJarAndTheirSettingsBecomeFlowKeys() throws IOException {
        Map<String, FlowFolders.Folder> folders = FlowFolders.find(Optional.empty());
        assertEquals(15, folders.size());
        assertTrue(folders.values().stream().allMatch(FlowFolders.Folder::builtIn));
        Map<String, String> configuration = FlowFolders.configuration(folders);
        assertEquals("realtime", configuration.get("sync.flows.insurance-claims.mode"));
        assertEquals("customer", configuration.get("sync.flows.insurance-claims.assessment.delay-consequence"));
        // the shared routes are named, not scanned for: every file of routes/shared, and nothing else
        Set<String> shared = new TreeSet<>();
        try (Stream<Path> files = Files.list(Path.of("src/main/resources/routes/shared"))) {
            files.forEach(file -> shared.add("classpath:routes/shared/" + file.getFileName()));
        }
        List<String> routes = List.of(configuration.get("camel.main.routes-include-pattern").split(","));
        assertEquals(shared, new TreeSet<>(routes.subList(0, shared.size())), "routes/shared and FlowFolders.SHARED_ROUTES");
        assertTrue(routes.stream().noneMatch(route -> route.contains("*")), routes.toString());
        assertTrue(configuration.get("camel.main.routes-include-pattern").contains("classpath:flows/insurance-claims/route.yaml"));
    }

    /**
     * flows/index lists the built-in flows where the classpath cannot be listed (a native image): it names exactly the
     * folders under src/main/resources/flows.
     */
    @Test
    void theIndexOfTheBuiltInFlowsNamesEveryFolderAndNothingElse() throws IOException {
        Set<String> folders = new TreeSet<>();
        try (Stream<Path> children = Files.list(Path.of("src/main/resources/flows"))) {
            children.filter(Files::isDirectory).forEach(dir -> folders.add(dir.getFileName().toString()));
        }
        Set<String> indexed;
        try (InputStream index = Files.newInputStream(Path.of("src/main/resources", FlowFolders.INDEX))) {
            indexed = FlowFolders.indexed(index);
        }
        assertEquals(folders, indexed, "src/main/resources/flows/index must list the folders beside it, one a line");
        assertEquals(folders, FlowFolders.listedIds(), "the folders as the classpath lists them");
        assertEquals(List.copyOf(folders), List.copyOf(FlowFolders.builtInIds()), "the index is read first");
    }

    /** A folder of sync.flows-dir with a built-in id replaces all of that flow: its route and settings only. */
    @Test
    void anExternalFolderAddsAFlowOrReplacesTheBuiltInOneOfItsId(@TempDir Path dir) throws IOException {
        Path claims = Files.createDirectories(dir.resolve("insurance-claims"));
        Files.writeString(claims.resolve("route.yaml"), "# replaced\n");
        Files.writeString(claims.resolve("flow.properties"), "mode=batch\ntarget.kind=outbox\n");
        Path gifts = Files.createDirectories(dir.resolve("retail-gift-cards"));
        Files.writeString(gifts.resolve("flow.properties"), "data-flow=Gift cards\n");

        Map<String, FlowFolders.Folder> folders = FlowFolders.find(Optional.of(dir.toString()));
        assertEquals(16, folders.size());
        assertFalse(folders.get("insurance-claims").builtIn());
        Map<String, String> configuration = FlowFolders.configuration(folders);
        assertEquals("batch", configuration.get("sync.flows.insurance-claims.mode"));
        assertFalse(configuration.containsKey("sync.flows.insurance-claims.assessment.delay-consequence"),
                "nothing of the built-in flow's settings is read");
        assertEquals("Gift cards", configuration.get("sync.flows.retail-gift-cards.data-flow"));
        List<String> routes = List.of(configuration.get("camel.main.routes-include-pattern").split(","));
        assertTrue(routes.contains("file:" + claims.resolve("route.yaml").toAbsolutePath()), routes.toString());
        assertFalse(routes.contains("classpath:flows/insurance-claims/route.yaml"), routes.toString());
        assertTrue(routes.contains("classpath:flows/retail-catalog-pricing/route.yaml"), routes.toString());
    }
}
