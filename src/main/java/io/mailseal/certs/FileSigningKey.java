package io.mailseal.certs;

import io.mailseal.config.IdentityConfig.Keystore;
import io.mailseal.crypto.KeyUnavailableException;
import io.mailseal.crypto.SignatureScheme;
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
import java.util.Optional;

/** A key read from a PKCS#12 file into memory at start-up (and at each reload). */
record FileSigningKey(Keystore source, SigningIdentity loaded) implements SigningKey {

    static FileSigningKey open(Keystore source, boolean pss)
            throws IOException, GeneralSecurityException {
        SigningIdentity id = load(source);
        return new FileSigningKey(
                source,
                new SigningIdentity(
                        id.privateKey(),
                        id.certificate(),
                        id.chain(),
                        Optional.empty(),
                        SignatureScheme.forKey(id.privateKey(), pss)));
    }

    /** The first key entry of the keystore, with its certificate chain. */
    static SigningIdentity load(Keystore c) throws IOException, GeneralSecurityException {
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

    @Override
    public X509Certificate certificate() {
        return loaded.certificate();
    }

    @Override
    public SigningIdentity identity() {
        return loaded;
    }

    @Override
    public void failed(SigningIdentity used, KeyUnavailableException e) {
        // a key in memory does not go away; the next message tries it again
    }

    @Override
    public Optional<String> problem() {
        return Optional.empty();
    }

    @Override
    public String toString() {
        // never print the key
        return "FileSigningKey[" + source.keystore() + "]";
    }
}
