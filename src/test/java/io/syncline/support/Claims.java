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

    /** Posts the claims to the flow's webhook from eight threads at once, each answered 202 (a burst). */
    public static void postAll(String flow, java.util.List<String> claims) throws InterruptedException {
        java.util.concurrent.ExecutorService senders = java.util.concurrent.Executors.newFixedThreadPool(8);
        try {
            java.util.List<java.util.concurrent.Callable<Integer>> posts = claims.stream()
                    .<java.util.concurrent.Callable<Integer>>map(claim -> () -> io.restassured.RestAssured.given()
                            .contentType("application/json").body(claim).post("/webhooks/" + flow).statusCode())
                    .toList();
            for (java.util.concurrent.Future<Integer> answer : senders.invokeAll(posts)) {
                int status = answer.get();
                if (status != 202) {
                    throw new AssertionError("a claim of the burst was answered " + status);
                }
            }
        } catch (java.util.concurrent.ExecutionException e) {
            throw new AssertionError(e.getCause());
        } finally {
            senders.shutdownNow();
        }
    }
}
