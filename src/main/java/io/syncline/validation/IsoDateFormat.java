package io.syncline.validation;

import java.time.LocalDate;

import com.networknt.schema.ExecutionContext;
import com.networknt.schema.Format;

/**
 * JSON Schema's {@code "format": "date"} as the validator's own checks it (a date {@link LocalDate#parse} reads, in the
 * years 0 to 9999, the same message), read through {@link IsoTimes}.
 */
final class IsoDateFormat implements Format {

    @Override
    public String getName() {
        return "date";
    }

    @Override
    public String getMessageKey() {
        return "format.date";
    }

    @Override
    public boolean matches(ExecutionContext executionContext, String value) {
        LocalDate date = IsoTimes.date(value);
        return date != null && date.getYear() >= 0 && date.getYear() <= 9999;
    }
}
