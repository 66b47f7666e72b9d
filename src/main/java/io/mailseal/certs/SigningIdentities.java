package io.mailseal.certs;

import io.mailseal.config.ConfigException;
import io.mailseal.config.IdentityConfig;
import io.mailseal.crypto.SigningIdentity;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The bank's signing keys (relay.conf {@code identities}), opened once at start-up. A sender uses
 * the identity configured for its exact address, else the one for its domain.
 */
public final class SigningIdentities {
    private final List<Entry> entries;

    /** One identity with the relay.conf entry it came from (for checks that name the key). */
    public record Entry(IdentityConfig config, SigningIdentity identity) {}

    private SigningIdentities(List<Entry> entries) {
        this.entries = List.copyOf(entries);
    }

    /** Opens every keystore; all problems are reported together, each naming its key. */
    public static SigningIdentities open(List<IdentityConfig> configs) {
        List<Entry> entries = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (IdentityConfig c : configs) {
            try {
                entries.add(new Entry(c, load(c)));
            } catch (IOException | GeneralSecurityException | IllegalArgumentException e) {
                problems.add(
                        c.key()
                                + ".keystore: \""
                                + c.keystore()
                                + "\" cannot be used: "
                                + reason(e));
            }
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return new SigningIdentities(entries);
    }

    public Optional<SigningIdentity> forSender(String envelopeFrom) {
        return entryForSender(envelopeFrom).map(Entry::identity);
    }

    /** As {@link #forSender}, with the relay.conf entry of the identity. */
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

    public List<SigningIdentity> all() {
        return entries.stream().map(Entry::identity).toList();
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

    private static SigningIdentity load(IdentityConfig c)
            throws IOException, GeneralSecurityException {
        char[] password = c.password().read();
        try (InputStream in = Files.newInputStream(c.keystore())) {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(in, password);
            for (String alias : Collections.list(ks.aliases())) {
                if (ks.isKeyEntry(alias)) {
                    PrivateKey key = (PrivateKey) ks.getKey(alias, password);
                    Certificate[] chain = ks.getCertificateChain(alias);
                    if (chain == null || chain.length == 0) {
                        throw new IllegalArgumentException(
                                "key entry \"" + alias + "\" has no certificate");
                    }
                    List<X509Certificate> certs = new ArrayList<>();
                    for (Certificate cert : chain) {
                        certs.add((X509Certificate) cert);
                    }
                    return new SigningIdentity(
                            key, certs.get(0), List.copyOf(certs.subList(1, certs.size())));
                }
            }
            throw new IllegalArgumentException("holds no private key");
        } finally {
            Arrays.fill(password, '\0');
        }
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
