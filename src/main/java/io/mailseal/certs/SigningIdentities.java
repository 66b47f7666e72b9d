package io.mailseal.certs;

import io.mailseal.config.ConfigException;
import io.mailseal.config.IdentityConfig;
import io.mailseal.config.IdentityConfig.KeySource;
import io.mailseal.config.IdentityConfig.RsaSignature;
import io.mailseal.crypto.SigningIdentity;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The bank's signing keys (relay.conf {@code identities}), opened at start-up and each reload. A
 * sender uses the identity configured for its exact address, else the one for its domain; of an
 * identity's keys the newest valid one signs ({@link Entry#active}).
 */
public final class SigningIdentities {
    private final List<Entry> entries;
    private final Clock clock;

    /** One identity with the relay.conf entry it came from (for checks that name the key). */
    public record Entry(IdentityConfig config, List<SigningKey> keys) {
        public Entry {
            keys = List.copyOf(keys);
        }

        /**
         * The key that signs at {@code now}: of those whose certificate is valid then, the one that
         * became valid last (a successor takes over on its notBefore); when none is valid, the one
         * ending last (check-config and /ready report that as an error).
         */
        public SigningKey active(Instant now) {
            return keys.stream()
                    .filter(k -> valid(k.certificate(), now))
                    .max(Comparator.comparing(k -> k.certificate().getNotBefore()))
                    .orElseGet(
                            () ->
                                    keys.stream()
                                            .max(
                                                    Comparator.comparing(
                                                            k -> k.certificate().getNotAfter()))
                                            .orElseThrow());
        }

        private static boolean valid(X509Certificate c, Instant now) {
            return !now.isBefore(c.getNotBefore().toInstant())
                    && !now.isAfter(c.getNotAfter().toInstant());
        }
    }

    private SigningIdentities(List<Entry> entries, Clock clock) {
        this.entries = List.copyOf(entries);
        this.clock = clock;
    }

    /**
     * Opens every keystore and token; all problems are reported together, each naming its key and
     * value (never a password or PIN). {@code tokenErrors} is told the token label of each failed
     * use of a token at run time.
     */
    public static SigningIdentities open(
            List<IdentityConfig> configs, Clock clock, Consumer<String> tokenErrors) {
        List<Entry> entries = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (IdentityConfig c : configs) {
            List<SigningKey> keys = new ArrayList<>();
            for (KeySource source : c.keys()) {
                try {
                    keys.add(openKey(c, source, clock, tokenErrors));
                } catch (ConfigException e) {
                    problems.addAll(e.problems());
                }
            }
            if (keys.size() == c.keys().size()) {
                entries.add(new Entry(c, keys));
            }
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return new SigningIdentities(entries, clock);
    }

    /** One key of {@code identity}, opened now; its problem names the key and the value. */
    public static SigningKey openKey(
            IdentityConfig identity, KeySource source, Clock clock, Consumer<String> tokenErrors) {
        boolean pss = identity.rsaSignature() == RsaSignature.PSS;
        try {
            if (source instanceof IdentityConfig.TokenKey t) {
                return TokenSigningKey.open(t, pss, clock, tokenErrors);
            }
            return FileSigningKey.open((IdentityConfig.Keystore) source, pss);
        } catch (TokenException e) {
            throw new ConfigException(List.of(tokenProblem((IdentityConfig.TokenKey) source, e)));
        } catch (IOException | GeneralSecurityException | IllegalArgumentException e) {
            throw unusable(source, e);
        }
    }

    private static ConfigException unusable(KeySource source, Exception e) {
        return new ConfigException(
                List.of(
                        source.key()
                                + ": \""
                                + source.location()
                                + "\" cannot be used: "
                                + reason(e)));
    }

    /** {@code key: "value" reason}, the value being a path, a label or a variable, never a PIN. */
    private static String tokenProblem(IdentityConfig.TokenKey t, TokenException e) {
        String value =
                switch (e.field()) {
                    case "library" -> t.token().library().toString();
                    case "token-label" -> t.token().tokenLabel();
                    case "key-label" -> t.keyLabel();
                    case "certificate" -> t.certificate().map(Object::toString).orElse("");
                    default -> t.token().pin().origin();
                };
        String field = e.field().equals("certificate") ? "certificate" : "pkcs11." + e.field();
        return t.key() + "." + field + ": \"" + value + "\" " + e.getMessage();
    }

    /** One PKCS#12 keystore on its own (for {@code mailseal verify --key}). */
    public static SigningIdentity openKeystore(IdentityConfig.Keystore keystore) {
        try {
            return FileSigningKey.load(keystore);
        } catch (IOException | GeneralSecurityException | IllegalArgumentException e) {
            throw unusable(keystore, e);
        }
    }

    /** The certificate the sender's mail is signed with now; empty without an identity. */
    public Optional<X509Certificate> certificateFor(String envelopeFrom) {
        return entryForSender(envelopeFrom).map(e -> e.active(clock.instant()).certificate());
    }

    /** The sender's active key; empty without an identity. */
    public Optional<SigningKey> keyFor(String envelopeFrom) {
        return entryForSender(envelopeFrom).map(e -> e.active(clock.instant()));
    }

    /** As {@link #certificateFor}, with the relay.conf entry of the identity. */
    public Optional<Entry> entryForSender(String envelopeFrom) {
        String sender = envelopeFrom.toLowerCase(Locale.ROOT);
        String domain = sender.substring(sender.lastIndexOf('@') + 1);
        return entries.stream()
                .filter(e -> e.config().address().filter(sender::equals).isPresent())
                .findFirst()
                .or(
                        () ->
                                entries.stream()
                                        .filter(
                                                e ->
                                                        e.config()
                                                                .domain()
                                                                .filter(domain::equals)
                                                                .isPresent())
                                        .findFirst());
    }

    /**
     * The addresses a signing certificate names (subjectAltName rfc822Name, else the legacy
     * emailAddress; lower-cased), which customers' clients compare with the From address.
     */
    public static java.util.Set<String> addresses(X509Certificate certificate) {
        return CertificateHarvester.addresses(certificate);
    }

    /** Every identity in relay.conf order, with its entry. */
    public List<Entry> entries() {
        return entries;
    }

    /** Why keys cannot be used now (a token away), by relay.conf key; empty when all can. */
    public java.util.Map<String, String> keyProblems() {
        java.util.Map<String, String> out = new java.util.LinkedHashMap<>();
        entries.stream()
                .flatMap(e -> e.keys().stream())
                .forEach(k -> k.problem().ifPresent(p -> out.put(k.source().key(), p)));
        return out;
    }

    private static String reason(Exception e) {
        if (e instanceof java.nio.file.NoSuchFileException) {
            return "no such file " + e.getMessage();
        }
        if (e.getCause() instanceof java.security.UnrecoverableKeyException
                || e instanceof java.security.UnrecoverableKeyException) {
            return "wrong password";
        }
        String m = e.getMessage();
        if (m != null && m.contains("password")) {
            return "wrong password";
        }
        return m == null ? e.getClass().getSimpleName() : m;
    }
}
