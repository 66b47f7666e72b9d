package io.mailseal.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The real jar ({@code target/mailseal.jar}, built by {@code package} before failsafe runs) as its
 * own JVM, with the JVM options the shipped systemd unit gives it ({@code -Xmx1g
 * -XX:+ExitOnOutOfMemoryError}), so a test sees what a bank's process would do: die on
 * OutOfMemoryError, say, rather than survive in a test JVM with more heap. Its output goes to a log
 * file; closing it sends SIGTERM and waits for the stop.
 */
public final class RelayProcess implements AutoCloseable {
    private static final Path UNIT = Path.of("systemd/mailseal.service");
    private final Process process;
    private final Path log;

    private RelayProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /** Starts {@code mailseal run -c conf} and waits until it listens on {@code smtpPort}. */
    public static RelayProcess start(Path conf, int smtpPort, Path log) throws Exception {
        return start(conf, smtpPort, log, Map.of(), List.of());
    }

    /**
     * As {@link #start(Path, int, Path)}, with {@code environment} added (e.g.
     * MAILSEAL_LOG_FORMAT).
     */
    public static RelayProcess start(
            Path conf, int smtpPort, Path log, Map<String, String> environment) throws Exception {
        return start(conf, smtpPort, log, environment, List.of());
    }

    /**
     * As {@link #start(Path, int, Path)}, with {@code extraJvmOptions} after the shipped ones (e.g.
     * {@code -Xlog:gc:file=...} to measure the heap). The system property {@code
     * mailseal.relay.jar} runs another jar instead (e.g. one built from an older commit, for a
     * before/after figure).
     */
    public static RelayProcess start(
            Path conf, int smtpPort, Path log, List<String> extraJvmOptions) throws Exception {
        return start(conf, smtpPort, log, Map.of(), extraJvmOptions);
    }

    private static RelayProcess start(
            Path conf,
            int smtpPort,
            Path log,
            Map<String, String> environment,
            List<String> extraJvmOptions)
            throws Exception {
        List<String> command = new ArrayList<>(List.of("java"));
        command.addAll(shippedJvmOptions());
        command.addAll(extraJvmOptions);
        command.addAll(
                List.of(
                        "-jar",
                        Path.of(System.getProperty("mailseal.relay.jar", "target/mailseal.jar"))
                                .toAbsolutePath()
                                .toString(),
                        "run",
                        "-c",
                        conf.toString()));
        ProcessBuilder builder =
                new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(environment);
        Process p = builder.start();
        RelayProcess relay = new RelayProcess(p, log);
        LoopbackPorts.awaitListening(p, smtpPort);
        return relay;
    }

    /** The options between {@code java} and {@code -jar} on the unit's ExecStart line. */
    public static List<String> shippedJvmOptions() throws IOException {
        String start =
                Files.readAllLines(UNIT).stream()
                        .filter(l -> l.startsWith("ExecStart="))
                        .findFirst()
                        .orElseThrow(() -> new IllegalStateException(UNIT + " has no ExecStart"));
        List<String> words =
                Arrays.asList(start.substring("ExecStart=".length()).trim().split("\\s+"));
        return List.copyOf(words.subList(1, words.indexOf("-jar")));
    }

    /**
     * The heap in use now, in MiB, as {@code jcmd GC.heap_info} reports it: garbage not yet
     * collected included, so right after a message it is at least what handling it took. The sum of
     * the collector's spaces: one line for G1, young and old generation for Parallel and Serial.
     */
    public long heapUsedMiB() throws Exception {
        String info = jcmd("GC.heap_info");
        java.util.regex.Matcher used =
                java.util.regex.Pattern.compile("total \\d+K, used (\\d+)K").matcher(info);
        long kib = 0;
        boolean found = false;
        while (used.find()) {
            kib += Long.parseLong(used.group(1));
            found = true;
        }
        if (!found) {
            throw new IllegalStateException("no heap use in jcmd's answer: " + info);
        }
        return kib >> 10;
    }

    /** The heap in use right after a full collection ({@code jcmd GC.run}): what is live. */
    public long liveHeapMiB() throws Exception {
        jcmd("GC.run");
        return heapUsedMiB();
    }

    /** A jcmd diagnostic command; a failure says whether the relay still runs and how it ended. */
    private String jcmd(String command) throws Exception {
        try {
            return ExternalTool.ok(Path.of("."), "jcmd", Long.toString(process.pid()), command);
        } catch (AssertionError e) {
            String state =
                    process.isAlive()
                            ? "the relay runs"
                            : "the relay exited " + process.exitValue();
            String text = log();
            throw new AssertionError(
                    state + "; its log ends:\n" + text.substring(Math.max(0, text.length() - 4000)),
                    e);
        }
    }

    /** The JVM's process ID (its CPU time in /proc for a benchmark). */
    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Everything the process wrote so far. */
    public String log() throws IOException {
        return Files.readString(log);
    }

    /** SIGHUP: re-read relay.conf. */
    public void hangUp() throws Exception {
        ExternalTool.ok(Path.of("."), "kill", "-HUP", Long.toString(process.pid()));
    }

    /** SIGTERM and the exit code, or -1 if it had to be killed after 40 s. */
    public int stop() throws InterruptedException {
        process.destroy();
        if (process.waitFor(40, TimeUnit.SECONDS)) {
            return process.exitValue();
        }
        process.destroyForcibly();
        return -1;
    }

    /** SIGKILL: no shutdown hook, no flush; returns once the process is gone. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            try {
                stop();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }
    }
}
