package io.syncline.api;

import java.sql.SQLException;
import java.time.Instant;
import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;

import io.syncline.assessment.AssessmentReport;
import io.syncline.assessment.Assessments;
import io.syncline.assessment.FlowAssessment;
import io.syncline.security.Roles;

/**
 * The sync assessment of every flow: {@code GET /api/assessment} (JSON), {@code GET /api/assessment/export.csv},
 * {@code GET /api/assessment/report.md}. One flow: {@link FlowAssessmentResource}. Reading needs {@code viewer}.
 */
@Tag(name = "Assessment", description = "The sync assessment: advice per flow from the seed's questions and the evidence")
@Path("/api/assessment")
@RolesAllowed({ Roles.VIEWER, Roles.OPERATOR })
public class AssessmentResource {

    /** @param drifting the flows whose running mode the advice disagrees with */
    @JsonPropertyOrder({ "generatedAt", "drifting", "flows" })
    public record Overview(Instant generatedAt, List<String> drifting, List<FlowAssessment> flows) {
    }

    private final Assessments assessments;

    AssessmentResource(Assessments assessments) {
        this.assessments = assessments;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Overview all() throws SQLException {
        List<FlowAssessment> flows = assessments.all();
        return new Overview(Instant.now(), flows.stream().filter(f -> f.drift().drifting()).map(FlowAssessment::flow).toList(), flows);
    }

    @GET
    @Path("/export.csv")
    @Produces("text/csv")
    public Response csv() throws SQLException {
        return Response.ok(AssessmentReport.csv(assessments.all()), "text/csv; charset=utf-8")
                .header("Content-Disposition", "attachment; filename=\"syncline-assessment.csv\"").build();
    }

    @GET
    @Path("/report.md")
    @Produces("text/markdown")
    public Response markdown() throws SQLException {
        return Response.ok(AssessmentReport.markdown(assessments.all(), Instant.now()), "text/markdown; charset=utf-8")
                .header("Content-Disposition", "attachment; filename=\"syncline-sync-reference-guide.md\"").build();
    }
}
