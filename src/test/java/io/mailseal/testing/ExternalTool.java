package io.mailseal.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs an independent implementation (openssl, NSS cmsutil, gpgsm) and captures what it said: the
 * one process runner of the tests, so every cross-check fails the same way, with the tool's own
 * words.
 */
public final class ExternalTool {
    public record Result(int exitCode, String output) {}

    private ExternalTool() {}

    public static Result run(Path dir, String... command) throws IOException, InterruptedException {
        return run(dir, Map.of(), new byte[0], command);
    }

    /**
     * Runs with extra environment variables and {@code stdin} fed to the tool (e.g. a passphrase).
     */
    public static Result run(Path dir, Map<String, String> env, byte[] stdin, String... command)
            throws IOException, InterruptedException {
        ProcessBuilder pb =
                new ProcessBuilder(List.of(command))
                        .directory(dir.toFile())
                        .redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        try (OutputStream in = p.getOutputStream()) {
            in.write(stdin);
        }
        // read on another thread: a tool that hangs (a pinentry waiting for a human) must time out,
        // not block
        CompletableFuture<byte[]> out =
                CompletableFuture.supplyAsync(
                        () -> {
                            try {
                                return p.getInputStream().readAllBytes();
                            } catch (IOException e) {
                                throw new UncheckedIOException(e);
                            }
                        });
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", command) + ": timed out");
        }
        try {
            return new Result(
                    p.exitValue(),
                    new String(out.get(10, TimeUnit.SECONDS), StandardCharsets.UTF_8));
        } catch (ExecutionException | TimeoutException e) {
            throw new IOException(
                    String.join(" ", command) + ": output not readable: " + e.getMessage(), e);
        }
    }

    /** Runs and fails the test with the tool's own output when it exits non-zero. */
    public static String ok(Path dir, String... command) throws IOException, InterruptedException {
        return ok(run(dir, command), command);
    }

    /** As {@link #ok(Path, String...)}, with environment and stdin. */
    public static String ok(Path dir, Map<String, String> env, byte[] stdin, String... command)
            throws IOException, InterruptedException {
        return ok(run(dir, env, stdin, command), command);
    }

    private static String ok(Result r, String... command) {
        if (r.exitCode() != 0) {
            throw new AssertionError(
                    String.join(" ", command) + " exited " + r.exitCode() + ":\n" + r.output());
        }
        return r.output();
    }

    /** True when {@code tool} is on the PATH. */
    public static boolean installed(Path dir, String tool)
            throws IOException, InterruptedException {
        return run(dir, "sh", "-c", "command -v " + tool).exitCode() == 0;
    }
}
