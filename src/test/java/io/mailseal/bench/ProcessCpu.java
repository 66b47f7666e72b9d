package io.mailseal.bench;

import io.mailseal.testing.ExternalTool;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * CPU time (user + system) from Linux's {@code /proc/<pid>/stat}: a process's own, and a server's
 * with its children — PostgreSQL's postmaster, its live backends and background processes, and
 * (through the postmaster's cutime/cstime) those that exited.
 */
final class ProcessCpu {
    /** Fields after the command name: state is 0, utime 11, stime 12, cutime 13, cstime 14. */
    private static final int PPID = 1;

    private static final int UTIME = 11;
    private final long millisPerTick;

    private ProcessCpu(long ticksPerSecond) {
        this.millisPerTick = 1000 / ticksPerSecond;
    }

    static ProcessCpu open() throws IOException, InterruptedException {
        return new ProcessCpu(
                Long.parseLong(ExternalTool.ok(Path.of("."), "getconf", "CLK_TCK").strip()));
    }

    /** The CPU milliseconds {@code pid} used so far. */
    long millis(long pid) throws IOException {
        String[] f = fields(pid);
        return (Long.parseLong(f[UTIME]) + Long.parseLong(f[UTIME + 1])) * millisPerTick;
    }

    /** {@code parent}'s CPU milliseconds with its children's, living and exited. */
    long treeMillis(long parent) throws IOException {
        String[] p = fields(parent);
        long ticks = 0;
        for (int i = UTIME; i <= UTIME + 3; i++) {
            ticks += Long.parseLong(p[i]);
        }
        try (Stream<Path> all = Files.list(Path.of("/proc"))) {
            for (Path proc : all.filter(d -> d.getFileName().toString().matches("\\d+")).toList()) {
                try {
                    String[] f = fields(Long.parseLong(proc.getFileName().toString()));
                    if (Long.parseLong(f[PPID]) == parent) {
                        ticks += Long.parseLong(f[UTIME]) + Long.parseLong(f[UTIME + 1]);
                    }
                } catch (IOException e) {
                    // the process ended while the list was read
                }
            }
        }
        return ticks * millisPerTick;
    }

    /** The stat fields after the command name (which may hold spaces and parentheses). */
    private static String[] fields(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        return stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    }
}
