package io.syncline.support;

import static io.restassured.RestAssured.given;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;

import io.restassured.RestAssured;
import io.restassured.specification.RequestSpecification;

/**
 * The test profile's users (application.properties, {@code %test}): {@code vera} is a viewer, {@code otto} an
 * operator. Tests call the API as otto unless they say otherwise ({@link OperatorByDefault}).
 */
public final class Users {

    public static final String VIEWER = "vera";
    public static final String VIEWER_PASSWORD = "vera-reads";
    public static final String OPERATOR = "otto";
    public static final String OPERATOR_PASSWORD = "otto-operates";

    private Users() {
    }

    public static RequestSpecification asViewer() {
        return given().auth().preemptive().basic(VIEWER, VIEWER_PASSWORD);
    }

    public static RequestSpecification asOperator() {
        return given().auth().preemptive().basic(OPERATOR, OPERATOR_PASSWORD);
    }

    public static RequestSpecification anonymous() {
        return given().auth().none();
    }

    /** The stored form of a password, as README "Users and roles" tells a user to compute it. */
    public static String hash(String user, String password) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-512")
                    .digest((user + ":Syncline:" + password).getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Settings that give a packaged application (prod profile) the operator otto. */
    public static Map<String, String> operatorSettings() {
        return Map.of("quarkus.security.users.embedded.users." + OPERATOR, hash(OPERATOR, OPERATOR_PASSWORD),
                "quarkus.security.users.embedded.roles." + OPERATOR, "operator");
    }

    /** An {@code Authorization} header value for otto. */
    public static String operatorAuthorization() {
        return "Basic " + Base64.getEncoder()
                .encodeToString((OPERATOR + ":" + OPERATOR_PASSWORD).getBytes(StandardCharsets.UTF_8));
    }

    static void operatorByDefault() {
        RestAssured.authentication = RestAssured.preemptive().basic(OPERATOR, OPERATOR_PASSWORD);
    }
}
