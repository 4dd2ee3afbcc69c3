package io.syncline.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Resident memory of a process as Linux reports it in {@code /proc/<pid>/status}, in MiB. */
final class ProcessMemory {

    private ProcessMemory() {
    }

    /** Resident set size now. */
    static double rssMiB(long pid) {
        return field(pid, "VmRSS:");
    }

    /** The peak resident set size since the process started (high-water mark). */
    static double peakRssMiB(long pid) {
        return field(pid, "VmHWM:");
    }

    private static double field(long pid, String name) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith(name)) {
                    return Long.parseLong(line.substring(name.length()).trim().split("\\s+")[0]) / 1024.0;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        throw new IllegalStateException(name + " not in /proc/" + pid + "/status");
    }
}
