package io.mailseal.cli;

import io.mailseal.demo.DemoRun;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
        name = "demo",
        subcommands = DemoTsaCommand.class,
        description =
                "Send one-time codes through a relay on loopback with a throwaway CA, TSA and sink; "
                        + "exit 0 only if every check held.")
final class DemoCommand implements Callable<Integer> {
    @Option(
            names = "--keep",
            description =
                    "Write everything (keys, relay.conf, captured mail) to this directory and keep it.")
    Path keep;

    @Spec CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Path dir =
                keep != null
                        ? Files.createDirectories(keep)
                        : Files.createTempDirectory("mailseal-demo");
        PrintWriter out = spec.commandLine().getOut();
        boolean ok = new DemoRun(dir, out).run();
        if (keep == null) {
            deleteTree(dir);
            out.println("(temporary files removed; use --keep DIR to keep them)");
        }
        out.flush();
        return ok ? 0 : 1;
    }

    private static void deleteTree(Path dir) throws java.io.IOException {
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
