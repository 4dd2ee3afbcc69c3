package io.syncline.targets;

/** The target refused the records and will again (4xx other than 408 and 429): dead-lettered without retry. */
public class PermanentTargetException extends RuntimeException {

    public PermanentTargetException(String message) {
        super(message);
    }
}
