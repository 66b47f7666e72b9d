package io.mailseal.certs;

import io.mailseal.config.IdentityConfig.TokenKey;
import io.mailseal.crypto.KeyUnavailableException;
import io.mailseal.crypto.SignatureScheme;
import io.mailseal.crypto.SigningIdentity;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.ProviderException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * A private key that stays in a PKCS#11 token: the key object is a handle, every signature is made
 * by the token's SunPKCS11 provider. The certificate is the token's (same label), or the PEM file
 * given beside it, which must hold the same public key.
 */
final class TokenSigningKey implements SigningKey {
    private final TokenKey source;
    private final Pkcs11Token token;
    private final X509Certificate certificate;
    private final List<X509Certificate> chain;
    private final boolean pss;
    private final Clock clock;
    private final Consumer<String> tokenErrors;
    private KeyStore openedFrom;
    private SigningIdentity opened;

    private TokenSigningKey(
            TokenKey source,
            Pkcs11Token token,
            List<X509Certificate> certificates,
            boolean pss,
            Clock clock,
            Consumer<String> tokenErrors) {
        this.source = source;
        this.token = token;
        this.certificate = certificates.get(0);
        this.chain = List.copyOf(certificates.subList(1, certificates.size()));
        this.pss = pss;
        this.clock = clock;
        this.tokenErrors = tokenErrors;
    }

    /** Opens the token now (check-config, start, reload) and finds the key and its certificate. */
    static TokenSigningKey open(
            TokenKey source, boolean pss, Clock clock, Consumer<String> tokenErrors)
            throws TokenException {
        Pkcs11Token token =
                CryptokiLibrary.load(source.token().library()).token(source.token().tokenLabel());
        KeyStore store = token.store(source.token().pin(), clock.instant(), true);
        List<X509Certificate> onToken = certificates(store, source);
        List<X509Certificate> certificates = onToken;
        if (source.certificate().isPresent()) {
            try {
                certificates = PemCertificates.read(source.certificate().get());
            } catch (IOException | GeneralSecurityException e) {
                throw new TokenException("certificate", "cannot be read: " + e.getMessage());
            }
            if (!certificates.get(0).getPublicKey().equals(onToken.get(0).getPublicKey())) {
                throw new TokenException(
                        "certificate",
                        "is not the certificate of key-label \""
                                + source.keyLabel()
                                + "\" on token \""
                                + token.label()
                                + "\" (its public key differs)");
            }
        }
        return new TokenSigningKey(source, token, certificates, pss, clock, tokenErrors);
    }

    @Override
    public TokenKey source() {
        return source;
    }

    @Override
    public X509Certificate certificate() {
        return certificate;
    }

    @Override
    public SigningIdentity identity() throws KeyUnavailableException {
        try {
            return current();
        } catch (KeyUnavailableException e) {
            tokenErrors.accept(token.label());
            throw e;
        }
    }

    /** The key as the token has it now, re-opening the token when its back-off has passed. */
    private synchronized SigningIdentity current() throws KeyUnavailableException {
        try {
            KeyStore store = token.store(source.token().pin(), clock.instant(), false);
            if (store != openedFrom) {
                PrivateKey key = (PrivateKey) store.getKey(source.keyLabel(), null);
                if (key == null) {
                    token.failed(store, "key no longer found", clock.instant());
                    throw new TokenException("key-label", "is no longer on the token");
                }
                opened =
                        new SigningIdentity(
                                key,
                                certificate,
                                chain,
                                Optional.of(store.getProvider()),
                                SignatureScheme.forKey(key, pss));
                openedFrom = store;
            }
            return opened;
        } catch (TokenException | GeneralSecurityException | ProviderException e) {
            throw new KeyUnavailableException(
                    "token \"" + token.label() + "\" unavailable: " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized void failed(SigningIdentity used, KeyUnavailableException e) {
        tokenErrors.accept(token.label());
        if (used == opened) {
            token.failed(openedFrom, Pkcs11Token.rootCause(e), clock.instant());
        }
    }

    /**
     * Asked by /ready: re-opens a token that was away once its back-off has passed, so a relay that
     * a load balancer stopped sending to (503) becomes ready again without a message.
     */
    @Override
    public Optional<String> problem() {
        try {
            current();
            return Optional.empty();
        } catch (KeyUnavailableException e) {
            return token.problem().or(() -> Optional.of(e.getMessage()));
        }
    }

    /** The key's certificate chain as the token holds it (leaf first). */
    private static List<X509Certificate> certificates(KeyStore store, TokenKey source)
            throws TokenException {
        try {
            if (!store.isKeyEntry(source.keyLabel())) {
                throw new TokenException(
                        "key-label",
                        "no key with a certificate of this label on token \""
                                + source.token().tokenLabel()
                                + "\" (SunPKCS11 sees a key only beside its certificate, same"
                                + " CKA_ID; labels there: "
                                + String.join(", ", Collections.list(store.aliases()))
                                + ")");
            }
            Certificate[] chain = store.getCertificateChain(source.keyLabel());
            List<X509Certificate> out = new ArrayList<>();
            Arrays.stream(chain).forEach(c -> out.add((X509Certificate) c));
            return out;
        } catch (java.security.KeyStoreException | ProviderException e) {
            throw new TokenException("key-label", "cannot be read: " + e.getMessage());
        }
    }

    @Override
    public String toString() {
        return "TokenSigningKey[" + source.location() + "]";
    }
}
