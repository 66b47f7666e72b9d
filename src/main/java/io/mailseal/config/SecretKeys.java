package io.mailseal.config;

import io.mailseal.config.IdentityConfig.FromEnvironment;
import io.mailseal.config.IdentityConfig.FromFile;
import io.mailseal.config.IdentityConfig.PasswordSource;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A password or PIN given by a pair of keys, an environment variable ({@code *-env}) or a file
 * ({@code *-file}): never the secret itself in relay.conf.
 */
final class SecretKeys {
    private SecretKeys() {}

    /** Exactly one of the two keys must be given. */
    static PasswordSource required(ConfigSection s, String envKey, String fileKey) {
        Optional<String> env = environmentName(s, envKey);
        Optional<Path> file = s.optionalPath(fileKey);
        if (env.isPresent() == file.isPresent()) {
            s.problem(envKey, "give exactly one of " + envKey + " or " + fileKey);
            return new FromEnvironment("");
        }
        return env.<PasswordSource>map(FromEnvironment::new)
                .orElseGet(() -> new FromFile(file.get()));
    }

    /** At most one of the two keys; empty when neither is given. */
    static Optional<PasswordSource> optional(ConfigSection s, String envKey, String fileKey) {
        Optional<String> env = environmentName(s, envKey);
        Optional<Path> file = s.optionalPath(fileKey);
        if (env.isPresent() && file.isPresent()) {
            s.problem(envKey, "give at most one of " + envKey + " or " + fileKey);
        }
        return env.<PasswordSource>map(FromEnvironment::new).or(() -> file.map(FromFile::new));
    }

    /**
     * The variable's name. A value that is no variable name is refused without being repeated: it
     * may be the secret itself, put there by mistake, and config errors reach the journal.
     */
    private static Optional<String> environmentName(ConfigSection s, String key) {
        Optional<String> name = s.optionalString(key);
        if (name.isPresent() && !FromEnvironment.isName(name.get())) {
            s.problem(
                    key,
                    "is not the name of an environment variable (letters, digits and _, not"
                            + " starting with a digit); what it says is not repeated here, in"
                            + " case it is the secret itself");
        }
        return name;
    }
}
