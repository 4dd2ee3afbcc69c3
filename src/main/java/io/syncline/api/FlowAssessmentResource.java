package io.syncline.api;

import java.sql.SQLException;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.syncline.assessment.Assessments;
import io.syncline.assessment.FlowAssessment;
import io.syncline.security.Roles;

/** {@code GET /api/flows/{id}/assessment}: one flow's answers, evidence, advice, cost comparison and drift. */
@Tag(name = "Assessment")
@Path("/api/flows/{id}/assessment")
public class FlowAssessmentResource {

    private final Assessments assessments;

    FlowAssessmentResource(Assessments assessments) {
        this.assessments = assessments;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @RolesAllowed({ Roles.VIEWER, Roles.OPERATOR })
    public FlowAssessment get(@PathParam("id") String id) throws SQLException {
        return assessments.one(id).orElseThrow(() -> new NotFoundException("No flow " + id));
    }
}
