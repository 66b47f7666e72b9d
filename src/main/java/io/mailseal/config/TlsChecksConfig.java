package io.mailseal.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * {@code mailseal.tls-checks} and {@code mailseal.tls-checks-interval}: the servers whose TLS the
 * running relay audits (as {@code mailseal tls-check} does), on start and every interval.
 */
public record TlsChecksConfig(Duration interval, List<Target> targets) {
    public static final Duration DEFAULT_INTERVAL = Duration.ofHours(6);

    public TlsChecksConfig {
        targets = List.copyOf(targets);
    }

    /**
     * One server: {@code target} host:port, SMTP STARTTLS or not, the name its certificate must
     * carry, trust anchors (empty: the JDK's), SPKI pins, expected addresses, warning days.
     */
    public record Target(
            HostPort target,
            boolean starttls,
            Optional<String> serverName,
            Optional<Path> trust,
            List<String> pins,
            List<String> expectIps,
            int warnDays) {
        public Target {
            pins = List.copyOf(pins);
            expectIps = List.copyOf(expectIps);
        }
    }
}
