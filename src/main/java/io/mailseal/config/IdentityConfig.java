package io.mailseal.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * One of the bank's signing identities, used for mail whose envelope sender is {@code address}, or
 * any sender in {@code domain}: one or more keys (several while a certificate is being rotated),
 * each in a PKCS#12 keystore or a PKCS#11 token.
 */
public record IdentityConfig(
        String key,
        Optional<String> address,
        Optional<String> domain,
        List<KeySource> keys,
        RsaSignature rsaSignature) {

    public IdentityConfig {
        keys = List.copyOf(keys);
    }

    /** How an RSA key signs (relay.conf {@code rsa-signature}); EC keys always sign ECDSA. */
    public enum RsaSignature {
        PKCS1,
        PSS
    }

    /** Where one key and its certificate live; {@code key} is its relay.conf key for messages. */
    public sealed interface KeySource permits Keystore, TokenKey {
        String key();

        /** For messages and {@code keys list}: the file, or token/label. */
        String location();
    }

    /** A PKCS#12 file holding the key and its certificate chain. */
    public record Keystore(String key, Path keystore, PasswordSource password)
            implements KeySource {
        @Override
        public String location() {
            return keystore.toString();
        }
    }

    /**
     * A private key in a PKCS#11 token, found by the label of its certificate on the token (which
     * SunPKCS11 needs next to the key, same CKA_ID); {@code certificate} optionally a PEM file with
     * the same certificate and its intermediates.
     */
    public record TokenKey(String key, Pkcs11 token, String keyLabel, Optional<Path> certificate)
            implements KeySource {
        @Override
        public String location() {
            return "pkcs11:" + token.tokenLabel() + "/" + keyLabel;
        }
    }

    /** One token: the vendor's PKCS#11 library, the token's label (not a slot number), its PIN. */
    public record Pkcs11(Path library, String tokenLabel, PasswordSource pin) {}

    /** Where a password comes from; never the password itself in relay.conf. */
    public sealed interface PasswordSource permits FromEnvironment, FromFile {
        /** The password now (read at use, so a rotated secret is picked up on reload). */
        char[] read() throws java.io.IOException;

        /** Where it comes from (the variable's name or the file), for messages. */
        String origin();
    }

    /**
     * A secret in an environment variable. Its name appears in messages only when written the way
     * variables are (upper case, digits, _): a name in any other case may be the secret itself.
     */
    public record FromEnvironment(String variable) implements PasswordSource {
        private static final java.util.regex.Pattern NAME =
                java.util.regex.Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
        private static final java.util.regex.Pattern SHOWN =
                java.util.regex.Pattern.compile("[A-Z_][A-Z0-9_]*");

        /** Whether {@code s} can name an environment variable (POSIX portable names). */
        public static boolean isName(String s) {
            return NAME.matcher(s).matches();
        }

        @Override
        public char[] read() {
            String value = System.getenv(variable);
            if (value == null) {
                throw new IllegalArgumentException(
                        "environment variable " + origin() + " is not set");
            }
            return value.toCharArray();
        }

        @Override
        public String origin() {
            return SHOWN.matcher(variable).matches()
                    ? variable
                    : "(a name not in upper case, not shown in case it is the secret)";
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

        @Override
        public String origin() {
            return file.toString();
        }
    }
}
