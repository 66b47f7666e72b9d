package io.mailseal.certs;

import io.mailseal.config.IdentityConfig.KeySource;
import io.mailseal.crypto.KeyUnavailableException;
import io.mailseal.crypto.SigningIdentity;
import java.security.cert.X509Certificate;
import java.util.Optional;

/** One key of a signing identity, in a keystore file or a PKCS#11 token. */
public sealed interface SigningKey permits FileSigningKey, TokenSigningKey {

    /** The relay.conf entry it came from. */
    KeySource source();

    /** Its certificate (read once when opened; it does not change while running). */
    X509Certificate certificate();

    /** The key ready to sign now; a token that is away or failed throws. */
    SigningIdentity identity() throws KeyUnavailableException;

    /** A signature with {@code used} failed: a token key is re-opened before its next use. */
    void failed(SigningIdentity used, KeyUnavailableException e);

    /** Empty while the key is usable; else why not (a token that is away, for /ready). */
    Optional<String> problem();
}
