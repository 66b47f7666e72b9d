package io.mailseal.config;

import java.nio.file.Path;
import java.util.Optional;

/**
 * One of the bank's signing identities: a PKCS#12 keystore used for mail whose envelope
 * sender is {@code address}, or any sender in {@code domain}.
 */
public record IdentityConfig(String key, Optional<String> address, Optional<String> domain,
                             Path keystore, PasswordSource password) {

    /** Where the keystore password comes from; never the password itself in relay.conf. */
    public sealed interface PasswordSource permits FromEnvironment, FromFile {
    }

    public record FromEnvironment(String variable) implements PasswordSource {
    }

    public record FromFile(Path file) implements PasswordSource {
    }
}
