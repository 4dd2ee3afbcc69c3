package io.syncline.support;

import java.util.concurrent.atomic.AtomicLong;

/** Claim payloads as a claims system sends them, each with a claim number no other test uses. */
public final class Claims {

    private static final AtomicLong NEXT = new AtomicLong(System.currentTimeMillis() % 1_000_000_000L * 10);

    private Claims() {
    }

    public static String newClaimNumber() {
        return "CLM-" + NEXT.incrementAndGet();
    }

    public static String valid(String claimNumber) {
        return """
                {"claimNumber":"%s","policyNumber":"AUT-4410023","lossDate":"2026-11-26",
                 "reportedAt":"2026-11-27T09:14:00Z","lossType":"auto-collision","claimedAmount":4820.50,
                 "currency":"EUR","channel":"mobile","claimant":{"name":"Jane Doe","email":"jane@example.com"}}
                """.formatted(claimNumber);
    }
}
