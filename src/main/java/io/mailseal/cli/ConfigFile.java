package io.mailseal.cli;

import io.mailseal.config.ConfigLoader;
import io.mailseal.config.RelayConfig;
import java.nio.file.Path;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * The {@code -c relay.conf} option the commands that read the configuration share ({@code @Mixin});
 * inherited by the subcommands of a command with subcommands ({@code queue list -c …}).
 */
final class ConfigFile {
    @Option(
            names = {"-c", "--config"},
            required = true,
            paramLabel = "<config>",
            scope = ScopeType.INHERIT,
            description = "relay.conf")
    Path path;

    RelayConfig load() {
        return ConfigLoader.load(path);
    }
}
