package io.mailseal.certs;

import java.security.cert.X509Certificate;

/** The certificate to encrypt to for one recipient, or why there is none. */
public sealed interface Resolution {

    record Usable(X509Certificate certificate, String source) implements Resolution {}

    /** No valid certificate anywhere: a policy decision (reject or sign-only) follows. */
    record Missing(String reason) implements Resolution {}

    /** A source could not answer: temporary, never treated as missing. */
    record Unavailable(String reason) implements Resolution {}
}
