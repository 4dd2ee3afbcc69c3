package io.syncline.validation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.syncline.support.RiskFiles;

/**
 * An integer column of a CSV row reaches the target as it did when every cell went through BigDecimal: a long read as a
 * long, anything else (an exponent, a sign, more digits than a long holds) as before, a cell that is no number
 * refused.
 */
class IntegerCellsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final FlowSchema schema = new FlowSchemas(JSON).forFlow("insurance-actuarial-risk");

    @Test
    void anIntegerCellReachesTheTargetAsBefore() throws Exception {
        // cell as written -> what reaches the target
        String[][] expected = { { "0", "0" }, { "7", "7" }, { "007", "7" }, { "-0", "-0" }, { " 42 ", "42" }, { "+5", "5" },
                { "1E2", "1E2" }, { "123456789012345678", "123456789012345678" }, { "999999999999999999", "999999999999999999" },
                { "1234567890123456789", "1234567890123456789" }, { "99999999999999999999999", "99999999999999999999999" } };
        for (String[] cell : expected) {
            Map<String, String> row = row(cell[0]);
            ObjectNode typed = schema.fromColumns(row);
            assertTrue(schema.check(typed, Instant.now()).errors().isEmpty(), cell[0]);
            // as the pipeline does: checked, then each number as the file wrote it where that is a JSON number
            ObjectNode record = schema.numbersAsWritten(typed, row);
            assertEquals(cell[1], JSON.writeValueAsString(record.get("exposureUnits")), cell[0]);
        }
    }

    @Test
    void aNegativeOrNonIntegerCellIsStillRefusedByTheSchema() {
        for (String cell : List.of("-12", "-", "1.5", "12a", "--1", "")) {
            ObjectNode record = schema.fromColumns(row(cell));
            List<FieldError> errors = schema.check(record, Instant.now()).errors();
            assertFalse(errors.isEmpty(), cell);
            assertEquals("/exposureUnits", errors.get(0).pointer(), cell + ": " + errors);
        }
    }

    @Test
    void onlyAMinusAndUpToEighteenDigitsAreReadAsALong() {
        for (String plain : List.of("0", "-1", "007", "999999999999999999", "-999999999999999999")) {
            assertTrue(FlowSchema.isPlainLong(plain), plain);
        }
        for (String other : List.of("", "-", "+5", "1E2", "1.0", "1234567890123456789", " 1", "１２")) {
            assertFalse(FlowSchema.isPlainLong(other), other);
        }
    }

    /** A valid row of the actuarial file, its exposure units as given. */
    private static Map<String, String> row(String exposureUnits) {
        String[] names = RiskFiles.HEADER.split(",");
        String[] cells = RiskFiles.validRow("RSK-2026W48-AUTO-DE-BY", 1).split(",");
        Map<String, String> row = new LinkedHashMap<>();
        for (int i = 0; i < names.length; i++) {
            row.put(names[i], names[i].equals("exposureUnits") ? exposureUnits : cells[i]);
        }
        return row;
    }
}
