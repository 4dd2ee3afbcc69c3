package io.syncline.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Resident memory of a process as Linux reports it in {@code /proc/<pid>/status}, in MiB, and the CPU time it used
 * ({@code /proc/<pid>/stat}): on a shared machine, CPU seconds per record say more than records per second.
 */
final class ProcessMemory {

    /** Linux reports CPU time in clock ticks, 100 a second on every common configuration. */
    private static final double TICKS_PER_SECOND = 100.0;

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

    /** User plus system CPU seconds the process used so far, all its threads. */
    static double cpuSeconds(long pid) {
        try {
            return cpuTicks(Path.of("/proc", Long.toString(pid), "stat")) / TICKS_PER_SECOND;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** User plus system clock ticks from a process's or a thread's {@code stat}. */
    private static long cpuTicks(Path stat) throws IOException {
        String line = Files.readString(stat);
        // after the command name in parentheses: state is field 3, utime 14, stime 15
        String[] fields = line.substring(line.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }

    /**
     * CPU seconds of the JIT compiler's threads so far ({@code C1 CompilerThread…}, {@code C2 CompilerThread…}): a
     * run where they take a large share was measured cold, before the hot code was compiled. A compiler thread the
     * JVM ends takes its seconds with it, so this is a lower bound.
     */
    static double compilerCpuSeconds(long pid) {
        Path tasks = Path.of("/proc", Long.toString(pid), "task");
        long ticks = 0;
        try (var threads = Files.list(tasks)) {
            for (Path thread : (Iterable<Path>) threads::iterator) {
                try {
                    if (Files.readString(thread.resolve("comm")).strip().matches("C[12] CompilerThre.*")) {
                        ticks += cpuTicks(thread.resolve("stat"));
                    }
                } catch (IOException ended) {
                    // the thread ended between the listing and the read
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return ticks / TICKS_PER_SECOND;
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
