package io.mailseal.config;

import java.nio.file.Path;
import java.util.Optional;

/**
 * One of the bank's signing identities: a PKCS#12 keystore used for mail whose envelope sender is
 * {@code address}, or any sender in {@code domain}.
 */
public record IdentityConfig(
        String key,
        Optional<String> address,
        Optional<String> domain,
        Path keystore,
        PasswordSource password) {

    /** Where a password comes from; never the password itself in relay.conf. */
    public sealed interface PasswordSource permits FromEnvironment, FromFile {
        /** The password now (read at use, so a rotated secret is picked up on reload). */
        char[] read() throws java.io.IOException;
    }

    public record FromEnvironment(String variable) implements PasswordSource {
        @Override
        public char[] read() {
            String value = System.getenv(variable);
            if (value == null) {
                throw new IllegalArgumentException(
                        "environment variable " + variable + " is not set");
            }
            return value.toCharArray();
        }
    }

    public record FromFile(Path file) implements PasswordSource {
        @Override
        public char[] read() throws java.io.IOException {
            // a trailing newline is how editors save files; it is not part of the password
            return java.nio.file.Files.readString(file, java.nio.charset.StandardCharsets.UTF_8)
                    .stripTrailing()
                    .toCharArray();
        }
    }
}
