package io.mailseal.certs;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Optional;

/** The certificate to encrypt to for one recipient, or why there is none. */
public sealed interface Resolution {

    /**
     * @param ttl how long the answer may be cached at most (a DNS record's TTL), beyond {@code
     *     certificates.cache.ttl}
     */
    record Usable(X509Certificate certificate, String source, Optional<Duration> ttl)
            implements Resolution {
        public Usable(X509Certificate certificate, String source) {
            this(certificate, source, Optional.empty());
        }
    }

    /** No valid certificate anywhere: a policy decision (reject or sign-only) follows. */
    record Missing(String reason) implements Resolution {}

    /** A source could not answer: temporary, never treated as missing. */
    record Unavailable(String reason) implements Resolution {}
}
