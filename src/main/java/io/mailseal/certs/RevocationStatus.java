package io.mailseal.certs;

import java.time.Instant;
import java.util.Optional;

/**
 * What the issuer says about one certificate. {@code Unknown} is no answer (responder down, stale
 * or unverifiable response), never "good": what follows from it is {@code
 * certificates.revocation}'s choice (soft-fail: use it with a warning; hard-fail: the lookup is
 * unavailable, 4xx).
 */
public sealed interface RevocationStatus {

    /** Good until {@code freshUntil} (the response's nextUpdate), when known. */
    record Good(String how, Optional<Instant> freshUntil) implements RevocationStatus {}

    record Revoked(String how) implements RevocationStatus {}

    record Unknown(String why) implements RevocationStatus {}
}
