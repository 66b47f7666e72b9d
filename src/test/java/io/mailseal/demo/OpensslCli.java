package io.mailseal.demo;

import io.mailseal.testing.ExternalTool;
import java.io.IOException;
import java.nio.file.Path;

/** The openssl CLI as an independent judge of what DemoPki and PkiFiles produce. */
public final class OpensslCli {
    public record Result(int exitCode, String output) {}

    private final Path dir;

    public OpensslCli(Path dir) {
        this.dir = dir;
    }

    public Result run(String... args) throws IOException, InterruptedException {
        ExternalTool.Result r = ExternalTool.run(dir, openssl(args));
        return new Result(r.exitCode(), r.output());
    }

    private static String[] openssl(String... args) {
        String[] command = new String[args.length + 1];
        command[0] = "openssl";
        System.arraycopy(args, 0, command, 1, args.length);
        return command;
    }

    /** Runs and fails the test with openssl's own output when it exits non-zero. */
    public String ok(String... args) throws IOException, InterruptedException {
        Result r = run(args);
        if (r.exitCode() != 0) {
            throw new AssertionError(
                    "openssl "
                            + String.join(" ", args)
                            + " exited "
                            + r.exitCode()
                            + ":\n"
                            + r.output());
        }
        return r.output();
    }
}
