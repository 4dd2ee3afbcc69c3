package io.syncline.intake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Iterator;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A file that fails at an early chunk stops being read there. Camel's streaming split, stopped by a failed chunk, walks
 * the rest of its iterator before it answers (a 2 GB file failing at its first chunk would be read and checked to its
 * end before its report); the file's chunks therefore end with the first failure ({@link ChunkWindow#untilFailed}).
 * The route is the file-intake template's split, on a real Camel context.
 */
class FileSplitStopTest {

    private static final int CHUNKS = 1000;

    private final CamelContext camel = new DefaultCamelContext();
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final AtomicInteger read = new AtomicInteger();
    private final AtomicInteger delivered = new AtomicInteger();
    private final IllegalStateException stepFailure = new IllegalStateException("direct:lab-results-refuse failed");
    private final IllegalStateException deliveryFailure = new IllegalStateException("Dead letters could not be written");
    private int failStepAt = -1;
    private int failDeliveryAt = -1;
    private ChunkWindow window;

    @AfterEach
    void stop() throws Exception {
        camel.close();
        threads.shutdownNow();
    }

    @Test
    void withoutTheGuardCamelsSplitReadsTheWholeFileAfterAFailure() throws Exception {
        failStepAt = 3;
        Exchange done = run(false);
        assertTrue(done.getException() != null);
        assertEquals(CHUNKS, read.get(), "Camel 4.17's split no longer walks its iterator after a failure: the guard may go");
    }

    @Test
    void aStepFailingAtTheThirdChunkStopsTheReadingThere() throws Exception {
        failStepAt = 3;
        Exchange done = run(true);
        assertSame(stepFailure, rootCause(done.getException()));
        assertTrue(read.get() <= 4, read.get() + " chunks read");
    }

    @Test
    void aDeliveryFailingAtTheSecondChunkStopsTheReadingWithinTheWindow() throws Exception {
        failDeliveryAt = 2;
        Exchange done = run(true);
        assertSame(deliveryFailure, rootCause(done.getException()));
        window.drainQuietly();
        assertTrue(read.get() <= 2 + 2 + 1, read.get() + " chunks read");
        assertTrue(delivered.get() < 2 + 2 + 1, delivered.get() + " chunks delivered");
    }

    private Exchange run(boolean guarded) throws Exception {
        window = new ChunkWindow(2, threads, chunk -> {
            int number = chunk.getMessage().getBody(Integer.class);
            chunk.getProperty(io.syncline.pipeline.SyncProperties.KEYS_HELD, java.util.concurrent.CompletableFuture.class).complete(null);
            delivered.incrementAndGet();
            if (number == failDeliveryAt) {
                chunk.setException(deliveryFailure);
            }
        }, line -> {
        }, () -> {
        });
        Iterator<Integer> chunks = new Iterator<>() {
            @Override
            public boolean hasNext() {
                return read.get() < CHUNKS;
            }

            @Override
            public Integer next() {
                return read.incrementAndGet();
            }
        };
        Iterator<Integer> split = guarded ? window.untilFailed(chunks) : chunks;
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:file")
                        .split(method(new Object() {
                            @SuppressWarnings("unused")
                            public Iterator<Integer> chunks() {
                                return split;
                            }
                        }, "chunks")).streaming().stopOnException()
                            .doTry()
                                .process(exchange -> {
                                    if (exchange.getMessage().getBody(Integer.class) == failStepAt) {
                                        throw stepFailure;
                                    }
                                })
                                .process(exchange -> window.handOut(exchange.copy(), null))
                            .doCatch(Exception.class)
                                .process(exchange -> {
                                    Exception cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
                                    window.stop((RuntimeException) cause);
                                    throw cause;
                                })
                            .end()
                        .end()
                        // fileIntake.finish: the split may end because the chunks did (a delivery failed), not by an
                        // exception; the window's failure fails the file then
                        .process(exchange -> window.drain());
            }
        });
        camel.start();
        return camel.createProducerTemplate().send("direct:file", exchange -> exchange.getMessage().setBody("file"));
    }

    private static Throwable rootCause(Throwable failure) {
        Throwable cause = failure;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause;
    }
}
