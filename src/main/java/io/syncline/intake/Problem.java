package io.syncline.intake;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.syncline.validation.FieldError;

/** An RFC 9457 problem answer ({@code application/problem+json}). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(String type, String title, int status, String detail, String flow, List<FieldError> errors) {

    public static final String MEDIA_TYPE = "application/problem+json";

    static Problem of(String slug, String title, int status, String detail, String flow) {
        return new Problem("urn:syncline:problem:" + slug, title, status, detail, flow, null);
    }

    /** Seconds in the {@code Retry-After} of a {@link #reloading} answer: a reload replaces routes in moments. */
    static final String RELOADING_RETRY_AFTER = "1";

    /**
     * 503 while a reload replaces the flow's routes, from whichever side answers (the flow's webhook route, or the
     * catch-all while it has none): nothing was accepted, send it again.
     */
    static Problem reloading(String flow) {
        return of("flow-reloading", "The flow is being reloaded", 503,
                "Its edited route is starting; nothing was accepted, send it again", flow);
    }

    /** 503 for a paused flow whose webhook route a reload created without starting it. */
    static Problem paused(String flow) {
        return of("flow-paused", "The flow is paused", 503,
                "An operator paused it; nothing was accepted, send it again once it is resumed", flow);
    }

    static Problem invalid(String flow, List<FieldError> errors) {
        return new Problem("urn:syncline:problem:invalid-record", "The record does not match the flow's schema", 400,
                errors.size() + " field error(s)", flow, errors);
    }
}
