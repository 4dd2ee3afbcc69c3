package io.syncline.targets;

/** The target may take the records later (408, 429, 5xx, I/O): retried with backoff, then dead-lettered. */
public class TransientTargetException extends RuntimeException {

    public TransientTargetException(String message) {
        super(message);
    }
}
