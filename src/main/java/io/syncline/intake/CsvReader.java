package io.syncline.intake;

import java.io.BufferedReader;
import java.io.IOException;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.LongFunction;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.RuntimeJsonMappingException;
import com.fasterxml.jackson.dataformat.csv.CsvFactory;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;

import io.syncline.config.SyncConfig;
import io.syncline.pipeline.JsonSettings;
import io.syncline.record.BatchRun;
import io.syncline.record.IntakeKind;
import io.syncline.record.SourceRecord;

/**
 * CSV with a header row (RFC 4180 quoting), read with Jackson's streaming CSV parser. Each row becomes a map of
 * its cells by column name; the schema types them later. A row with the wrong number of cells is a record with a
 * defect (dead-lettered with its line), not the end of the file. Line numbers count physical lines, header = 1,
 * for rows without line breaks inside quoted cells.
 */
final class CsvReader extends ChunkReader {


    private final ObjectMapper json;
    private final String flow;
    private final String fileName;
    private final LongFunction<String> eventIds;
    private final Instant receivedAt = Instant.now();
    private final MappingIterator<String[]> rows;
    private final int maxColumns;
    private final String[] header;
    /** A row's map sized for the header's columns, so it never grows while it is filled. */
    private final int capacity;
    private long line = 1;

    CsvReader(BufferedReader reader, int chunkSize, BatchRun run, ObjectMapper json, String flow, String fileName,
            LongFunction<String> eventIds, SyncConfig.Limits limits) throws IOException {
        super(reader, chunkSize, run);
        this.json = json;
        this.flow = flow;
        this.fileName = fileName;
        this.eventIds = eventIds;
        this.maxColumns = limits.csvMaxColumns();
        CsvFactory factory = CsvFactory.builder().streamReadConstraints(JsonSettings.constraints(limits)).build();
        CsvMapper csv = CsvMapper.builder(factory).enable(CsvParser.Feature.WRAP_AS_ARRAY).build();
        skipByteOrderMark(reader);
        this.rows = csv.readerFor(String[].class).readValues(reader);
        this.header = readHeader();
        this.capacity = (int) Math.ceil(header.length / 0.75);
    }

    private String[] readHeader() {
        String[] names = nextRow();
        if (names == null || isBlank(names)) {
            throw new FileRejectedException("missing header row: the first line must name the columns");
        }
        if (names.length > maxColumns) {
            throw new FileRejectedException("header row has " + names.length + " columns, over sync.limits.csv-max-columns ("
                    + maxColumns + ")");
        }
        Set<String> seen = new HashSet<>();
        for (String name : names) {
            String trimmed = name.trim();
            if (trimmed.isEmpty()) {
                throw new FileRejectedException("header row has an empty column name");
            }
            if (!seen.add(trimmed)) {
                throw new FileRejectedException("header row names column '" + trimmed + "' twice");
            }
        }
        for (int i = 0; i < names.length; i++) {
            names[i] = names[i].trim();
        }
        return names;
    }

    /**
     * A UTF-8 byte-order mark (PowerShell's {@code Export-Csv}, pandas' {@code utf-8-sig}) goes before the parser sees
     * the first cell: left in, it would stand before a quoted header name and keep the quotes in the name.
     */
    private static void skipByteOrderMark(BufferedReader reader) throws IOException {
        reader.mark(1);
        if (reader.read() != '\uFEFF') {
            reader.reset();
        }
    }

    @Override
    SourceRecord readRecord() throws IOException {
        String[] cells;
        while ((cells = nextRow()) != null) {
            line++;
            if (isBlank(cells)) {
                continue;
            }
            String eventId = eventIds.apply(line);
            if (cells.length != header.length) {
                String raw = json.writeValueAsString(cells);
                return new SourceRecord(flow, IntakeKind.FILE, eventId, receivedAt, raw, SourceRecord.CSV_ROW, fileName, line,
                        "row has " + cells.length + " cells, the header has " + header.length);
            }
            Map<String, String> row = new LinkedHashMap<>(capacity);
            for (int i = 0; i < header.length; i++) {
                row.put(header[i], cells[i]);
            }
            return SourceRecord.csvRow(flow, eventId, receivedAt, row, fileName, line);
        }
        return null;
    }

    private String[] nextRow() {
        try {
            return rows.hasNextValue() ? rows.nextValue() : null;
        } catch (RuntimeJsonMappingException | IOException e) {
            for (Throwable cause = e; cause != null; cause = cause.getCause()) {
                if (cause instanceof java.nio.charset.CharacterCodingException) {
                    // the parser met a byte sequence that is no UTF-8 (past the first 8 KB, which were checked)
                    throw new FileRejectedException("not UTF-8 text near line " + (line + 1));
                }
            }
            throw new FileRejectedException("unreadable CSV near line " + (line + 1) + ": " + firstLine(e.getMessage()), e);
        }
    }

    private static boolean isBlank(String[] cells) {
        return cells.length == 0 || (cells.length == 1 && cells[0].isBlank());
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "parse error";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }

    @Override
    long line() {
        return line;
    }
}
