package io.mailseal.cli;

import io.mailseal.admin.AdminServer;
import io.mailseal.config.ConfigLoader;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
        name = "reload",
        description =
                "Ask the running relay to re-read relay.conf (as SIGHUP does). It validates "
                        + "the file as check-config does and applies it only when it passes; exit 0 when applied, 1 with the "
                        + "problems when not (the relay keeps running on the configuration it had).")
final class ReloadCommand implements Callable<Integer> {
    @Option(
            names = {"-c", "--config"},
            required = true,
            description = "relay.conf (names the admin port)")
    Path config;

    @Spec CommandSpec spec;

    @Override
    public Integer call() throws IOException, InterruptedException {
        // a file the loader refuses is refused by the relay with the same messages:
        // ConfigException, exit 1
        AdminClient admin = new AdminClient(ConfigLoader.load(config));
        Optional<HttpResponse<String>> r =
                admin.post(AdminServer.RELOAD, "text/plain", Duration.ofMinutes(2));
        if (r.isEmpty()) {
            spec.commandLine()
                    .getErr()
                    .printf("no relay answers on %s (mailseal.admin.listen)%n", admin.listen());
            return 1;
        }
        if (r.get().statusCode() == 200) {
            spec.commandLine().getOut().println("relay.conf reloaded");
            return 0;
        }
        r.get()
                .body()
                .lines()
                .forEach(
                        p ->
                                spec.commandLine()
                                        .getErr()
                                        .println(
                                                r.get().statusCode() == 422
                                                        ? "config error: " + p
                                                        : p));
        spec.commandLine()
                .getErr()
                .println("relay.conf not reloaded; the relay keeps the configuration it had");
        return 1;
    }
}
