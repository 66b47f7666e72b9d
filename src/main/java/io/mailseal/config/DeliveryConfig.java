package io.mailseal.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * {@code delivery { ... }}: where mail goes next and how hard to try.
 *
 * @param mode {@code smarthost}: everything to {@code smarthost}; {@code mx}: per recipient domain
 *     by DNS MX, falling back to the domain's address (RFC 5321 §5.1)
 * @param mxPort the port MX hosts are reached on (25; tests use another)
 * @param connections parallel deliveries, each with its own kept-open connection
 * @param tlsTrustAnchors for {@code tls = verify}: CA certificates (PEM file or directory) instead
 *     of the JDK's trust store
 * @param shutdownGrace how long a stopping relay lets SMTP transactions and deliveries in flight
 *     finish before it closes them (what is not done stays spooled)
 * @param dsnTls the level DSNs go at when not {@code tls} ({@code dsn-tls}; never below it): a DSN
 *     goes back to the bank's own MTA and carries only the outer headers of what bounced
 */
public record DeliveryConfig(
        Mode mode,
        HostPort smarthost,
        int mxPort,
        TlsLevel tls,
        Optional<Path> tlsTrustAnchors,
        int connections,
        Duration retryInitial,
        Duration retryMax,
        Duration maxAge,
        Duration timeout,
        Duration shutdownGrace,
        Optional<TlsLevel> dsnTls) {

    public enum Mode {
        SMARTHOST,
        MX
    }

    /** Ordered: each level demands everything the one before it does. */
    public enum TlsLevel {
        NONE,
        MAY,
        ENCRYPT,
        VERIFY,
        /**
         * {@code mode = mx} only: DANE (RFC 7672) where the MX host publishes DNSSEC-secure TLSA
         * records (STARTTLS mandatory, the certificate must match one); elsewhere the level the
         * mail would have without DANE ({@code delivery.tls}, or {@code may} when that is {@code
         * dane}).
         */
        DANE
    }
}
