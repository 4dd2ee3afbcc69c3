package io.syncline.api;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.syncline.config.SyncConfig;
import io.syncline.intake.FileReport;
import io.syncline.security.Roles;

/** {@code GET /api/batch-runs?flow=&limit=}: the reports of the files taken, newest first. */
@Tag(name = "Batch runs", description = "The reports of the files taken")
@jakarta.ws.rs.Path("/api/batch-runs")
@Produces(MediaType.APPLICATION_JSON)
public class BatchRunResource {

    private final SyncConfig config;
    private final ObjectMapper mapper;

    BatchRunResource(SyncConfig config, ObjectMapper mapper) {
        this.config = config;
        this.mapper = mapper;
    }

    @GET
    @RolesAllowed({ Roles.VIEWER, Roles.OPERATOR })
    public List<FileReport> list(@QueryParam("flow") String flow, @QueryParam("limit") @DefaultValue("100") int limit)
            throws IOException {
        if (flow != null && !flow.matches("[a-z0-9]+(-[a-z0-9]+)*")) {
            throw new BadRequestException("Invalid flow: " + flow);
        }
        Path reports = Path.of(config.dataDir(), "reports");
        Path dir = flow == null || flow.isBlank() ? reports : reports.resolve(flow);
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<Path> files;
        try (Stream<Path> walk = Files.walk(dir, 2)) {
            // report names start with the UTC time the file was taken: newest first is reverse name order
            files = walk.filter(p -> p.getFileName().toString().endsWith(".report.json"))
                    .sorted(Comparator.comparing((Path p) -> p.getFileName().toString()).reversed())
                    .limit(Math.max(1, Math.min(limit, 1000))).toList();
        }
        List<FileReport> runs = new ArrayList<>(files.size());
        for (Path file : files) {
            runs.add(mapper.readValue(file.toFile(), FileReport.class));
        }
        return runs;
    }
}
