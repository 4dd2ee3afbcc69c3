package io.syncline.security;

/**
 * The two roles of the operations API. {@code viewer} reads flows, batch runs and (masked) dead letters;
 * {@code operator} also replays, deletes, runs, pauses and resumes, and sees a single dead letter as received.
 */
public final class Roles {

    public static final String VIEWER = "viewer";
    public static final String OPERATOR = "operator";

    private Roles() {
    }
}
