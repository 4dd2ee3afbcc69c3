package io.syncline.security;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * {@code X-Syncline-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">}, several {@code v1=}
 * allowed (a sender signing with the old and the new secret during a rotation), several secrets configured (the
 * receiver's side of a rotation). Compared in constant time.
 */
public final class WebhookSignature {

    public static final String HEADER = "X-Syncline-Signature";

    private WebhookSignature() {
    }

    /** The latest {@code t=} that is a date at all (9999-12-31T23:59:59Z); beyond it the header is malformed. */
    static final long LATEST_TIMESTAMP = 253_402_300_799L;

    /**
     * The outcome of a check: the signed timestamp when the signature holds, otherwise why not (missing, malformed,
     * expired, mismatch).
     */
    public record Verdict(long timestamp, Optional<String> refused) {
        static Verdict refuse(String why) {
            return new Verdict(0, Optional.of(why));
        }
    }

    public static Verdict verify(String header, byte[] body, List<String> secrets, Duration tolerance, Instant now) {
        if (header == null || header.isBlank()) {
            return Verdict.refuse("missing " + HEADER + " header");
        }
        Long timestamp = null;
        List<byte[]> signatures = new ArrayList<>();
        for (String part : header.split(",")) {
            String[] pair = part.trim().split("=", 2);
            if (pair.length != 2) {
                continue;
            }
            try {
                if (pair[0].equals("t")) {
                    timestamp = Long.parseLong(pair[1].trim());
                } else if (pair[0].equals("v1")) {
                    signatures.add(HexFormat.of().parseHex(pair[1].trim()));
                }
            } catch (IllegalArgumentException malformed) {
                return Verdict.refuse("malformed " + HEADER + " header");
            }
        }
        if (timestamp == null || signatures.isEmpty()) {
            return Verdict.refuse("malformed " + HEADER + " header: needs t= and at least one v1=");
        }
        if (timestamp < 0 || timestamp > LATEST_TIMESTAMP) {
            return Verdict.refuse("malformed " + HEADER + " header: t= is not a time in unix seconds");
        }
        if (Duration.between(Instant.ofEpochSecond(timestamp), now).abs().compareTo(tolerance) > 0) {
            return Verdict.refuse("signature timestamp outside the tolerance of " + tolerance.toSeconds() + " s");
        }
        for (String secret : secrets) {
            byte[] expected = sign(secret, timestamp, body);
            for (byte[] signature : signatures) {
                if (MessageDigest.isEqual(expected, signature)) {
                    return new Verdict(timestamp, Optional.empty());
                }
            }
        }
        return Verdict.refuse("signature does not match");
    }

    public static byte[] sign(String secret, long timestamp, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            mac.update((timestamp + ".").getBytes(StandardCharsets.UTF_8));
            return mac.doFinal(body);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HMAC-SHA256 is not available", e);
        }
    }

    /** The header value a sender puts on a request. */
    public static String header(long timestamp, byte[] body, String... secrets) {
        StringBuilder header = new StringBuilder("t=").append(timestamp);
        for (String secret : secrets) {
            header.append(",v1=").append(HexFormat.of().formatHex(sign(secret, timestamp, body)));
        }
        return header.toString();
    }
}
