package dev.portcullis.loadtests.ws;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/** Resident set sizes from {@code /proc/<pid>/status} (Linux). Blocking file reads; stateless. */
final class Rss {
    private Rss() {}

    /** VmRSS of {@code pid} in KiB, or -1 when the process is gone or the line is missing. */
    static long kib(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    /** {@code pid:kib,pid:kib} for every pid, in order. */
    static String describe(List<Long> pids) {
        return pids.stream().map(p -> p + ":" + kib(p)).collect(Collectors.joining(","));
    }
}
