package io.syncline.intake;

/** A file that cannot be taken as a whole: it moves to {@code failed/} with a report giving this reason. */
public class FileRejectedException extends RuntimeException {

    public FileRejectedException(String reason) {
        super(reason);
    }

    public FileRejectedException(String reason, Throwable cause) {
        super(reason, cause);
    }
}
