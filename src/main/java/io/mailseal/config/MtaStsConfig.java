package io.mailseal.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * {@code delivery.mta-sts { ... }}: MTA-STS (RFC 8461) for {@code delivery.mode = mx}.
 *
 * @param enabled look up each recipient domain's policy and apply it (off by default)
 * @param trustAnchors CA certificates (PEM file or directory) trusted for the policy host's HTTPS
 *     certificate in addition to the JDK's trust store
 * @param port the policy host's HTTPS port (443; tests use another)
 * @param timeout the total time of one policy fetch (connect, handshake, response)
 */
public record MtaStsConfig(
        boolean enabled, Optional<Path> trustAnchors, int port, Duration timeout) {

    /** MTA-STS off, and the defaults of the other keys. */
    public static MtaStsConfig off() {
        return new MtaStsConfig(false, Optional.empty(), 443, Duration.ofSeconds(10));
    }
}
