package io.syncline.targets;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;

import org.apache.camel.RuntimeCamelException;
import org.junit.jupiter.api.Test;

import io.syncline.record.DeadLetter;

/** The category a dead letter says, decided by the innermost exception as Camel matched the former onException blocks. */
class FailureClassifierTest {

    @Test
    void aTargetThatMayTakeTheRecordsLaterIsTransient() {
        assertEquals(DeadLetter.TARGET_TRANSIENT, FailureClassifier.categoryOf(new TransientTargetException("503")));
        assertEquals(DeadLetter.TARGET_TRANSIENT, FailureClassifier.categoryOf(new IOException("connection reset")));
        assertEquals(DeadLetter.TARGET_TRANSIENT,
                FailureClassifier.categoryOf(new RuntimeCamelException(new UncheckedIOException(new IOException("timeout")))));
    }

    @Test
    void aRefusalIsPermanent() {
        assertEquals(DeadLetter.TARGET_PERMANENT, FailureClassifier.categoryOf(new PermanentTargetException("400")));
        assertEquals(DeadLetter.TARGET_PERMANENT,
                FailureClassifier.categoryOf(new RuntimeCamelException(new PermanentTargetException("400"))));
    }

    @Test
    void anythingElseIsInternal() {
        assertEquals(DeadLetter.INTERNAL, FailureClassifier.categoryOf(new IllegalStateException("defect")));
        assertEquals(DeadLetter.INTERNAL, FailureClassifier.categoryOf(new IOException("wrapped", new IllegalStateException("defect"))));
        assertEquals(DeadLetter.INTERNAL, FailureClassifier.categoryOf(null));
    }
}
