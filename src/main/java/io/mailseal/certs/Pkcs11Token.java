package io.mailseal.certs;

import io.mailseal.config.IdentityConfig.FromFile;
import io.mailseal.config.IdentityConfig.PasswordSource;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.Provider;
import java.security.ProviderException;
import java.security.Security;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * One PKCS#11 token, found by its label, with its own SunPKCS11 provider (configured here, never
 * registered in the provider list) and the logged-in key store over it. After a failure the token
 * is re-opened on a later use, not before a back-off (1 s doubling to {@link #MAX_BACKOFF}) has
 * passed, re-initialising the library first: no JVM restart.
 */
final class Pkcs11Token {
    static final Duration MAX_BACKOFF = Duration.ofSeconds(60);

    /**
     * The ECDH shared secret (never the private key) may be read out of the token: SunPKCS11 has no
     * ECDH with the X9.63 KDF of RFC 5753, so the KDF runs in BouncyCastle
     * (crypto.TokenRecipients).
     */
    private static final String ECDH_SECRET =
            "attributes(*, CKO_SECRET_KEY, CKK_GENERIC_SECRET) = {\n"
                    + "  CKA_SENSITIVE = false\n"
                    + "  CKA_EXTRACTABLE = true\n"
                    + "}\n";

    private final CryptokiLibrary library;
    private final String label;
    private KeyStore store;
    private long openedIn = -1;
    private boolean broken;
    private Duration backoff = Duration.ZERO;
    private Instant retryAt = Instant.MIN;
    private String problem;

    Pkcs11Token(CryptokiLibrary library, String label) {
        this.library = library;
        this.label = label;
    }

    String label() {
        return label;
    }

    /**
     * The logged-in key store, opened now if it is not open; {@code check} (check-config, start,
     * reload) tries at once, a message waits for the back-off.
     */
    synchronized KeyStore store(PasswordSource pin, Instant now, boolean check)
            throws TokenException {
        if (store != null && !broken && openedIn == library.generation()) {
            return store;
        }
        if (!check && now.isBefore(retryAt)) {
            throw new TokenException("token-label", problem + "; next attempt after " + retryAt);
        }
        try {
            if (broken) {
                library.restart(openedIn);
            }
            store = open(pin);
            openedIn = library.generation();
            broken = false;
            backoff = Duration.ZERO;
            problem = null;
            return store;
        } catch (TokenException e) {
            failed(e.getMessage(), now);
            throw e;
        }
    }

    /** A signature with a key from {@code used} failed: re-open before the next use. */
    synchronized void failed(KeyStore used, String why, Instant now) {
        if (used == store && !broken) {
            failed(why, now);
        }
    }

    /** Empty while usable; else why not and when the next attempt is (for /ready). */
    synchronized Optional<String> problem() {
        return broken ? Optional.of(problem + "; next attempt after " + retryAt) : Optional.empty();
    }

    private void failed(String why, Instant now) {
        broken = true;
        store = null;
        problem = why;
        backoff =
                backoff.isZero()
                        ? Duration.ofSeconds(1)
                        : backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0
                                ? MAX_BACKOFF
                                : backoff.multipliedBy(2);
        retryAt = now.plus(backoff);
    }

    private KeyStore open(PasswordSource pin) throws TokenException {
        Map<Long, String> seen = new LinkedHashMap<>();
        long slot;
        try {
            slot = library.slotOf(label, seen);
        } catch (TokenException e) {
            slot = -1;
        }
        if (slot < 0) {
            // a token created (or restored) after the library was initialised is seen only after
            // C_Initialize; a library whose slot list fails needs one too
            library.restart(library.generation());
            seen.clear();
            slot = library.slotOf(label, seen);
        }
        if (slot < 0) {
            throw new TokenException(
                    "token-label",
                    "no token with this label in "
                            + library.path()
                            + " (tokens there: "
                            + CryptokiLibrary.labels(seen)
                            + ")");
        }
        Provider provider;
        try {
            provider =
                    Security.getProvider("SunPKCS11")
                            .configure(
                                    "--name = mailseal-"
                                            + label.replaceAll("[^A-Za-z0-9]", "_")
                                            + "\nlibrary = \""
                                            + library.path()
                                            + "\"\nslot = "
                                            + slot
                                            + "\n"
                                            + ECDH_SECRET);
        } catch (ProviderException | IllegalArgumentException e) {
            throw new TokenException("token-label", "cannot be opened: " + rootCause(e));
        }
        String pinKey = pin instanceof FromFile ? "pin-file" : "pin-env";
        char[] secret;
        try {
            secret = pin.read();
        } catch (IOException | IllegalArgumentException e) {
            throw new TokenException(pinKey, "cannot be read: " + e.getMessage());
        }
        try {
            KeyStore ks = KeyStore.getInstance("PKCS11", provider);
            ks.load(null, secret);
            return ks;
        } catch (IOException | GeneralSecurityException | ProviderException e) {
            String cause = rootCause(e);
            throw cause.contains("CKR_PIN_INCORRECT") || cause.contains("CKR_PIN_LEN_RANGE")
                    ? new TokenException(pinKey, "does not hold the PIN of token \"" + label + "\"")
                    : new TokenException("token-label", "cannot log in: " + cause);
        } finally {
            Arrays.fill(secret, '\0');
        }
    }

    /** The innermost message: SunPKCS11 wraps the CKR_ code in one or two layers. */
    static String rootCause(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }
}
