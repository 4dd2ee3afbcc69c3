package io.syncline.validation;

/** One reason a record was refused: where (a JSON Pointer into the record, "" for the whole record) and why. */
public record FieldError(String pointer, String message) {
}
