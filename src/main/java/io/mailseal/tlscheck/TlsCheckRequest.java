package io.mailseal.tlscheck;

import java.security.cert.TrustAnchor;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What to check: {@code host} and {@code port} to connect to ({@code ip}, when given, instead of
 * resolving the host), SMTP STARTTLS or direct TLS, the name the certificate must carry ({@code
 * serverName}, the host by default), the trust anchors (empty: the JDK's trust store), SPKI pins
 * ({@code sha256/BASE64}), the addresses the host may resolve to, the days before expiry that warn,
 * and the deadline of each network operation (one connection, one OCSP or CRL request).
 */
public record TlsCheckRequest(
        String host,
        int port,
        boolean starttls,
        String serverName,
        Optional<String> ip,
        Optional<Set<TrustAnchor>> trust,
        List<String> pins,
        List<String> expectIps,
        int warnDays,
        Duration timeout) {
    public static final int DEFAULT_WARN_DAYS = 30;
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    public TlsCheckRequest {
        pins = List.copyOf(pins);
        expectIps = List.copyOf(expectIps);
    }

    /**
     * {@code HOST}, {@code HOST:PORT} or {@code [V6]:PORT}; without a port 25 for STARTTLS, else
     * 443.
     */
    public static TlsCheckRequest of(String target, boolean starttls) {
        String host = target;
        int port = starttls ? 25 : 443;
        int colon = target.lastIndexOf(':');
        boolean bracketed = target.startsWith("[");
        if (colon > 0 && (bracketed ? target.indexOf(']') < colon : colon == target.indexOf(':'))) {
            host = target.substring(0, colon);
            try {
                port = Integer.parseInt(target.substring(colon + 1));
            } catch (NumberFormatException e) {
                port = -1;
            }
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException(
                        "\"" + target + "\": the port is not a number from 1 to 65535");
            }
        }
        if (bracketed) {
            host = host.substring(1, host.length() - 1);
        }
        if (host.isEmpty()) {
            throw new IllegalArgumentException("\"" + target + "\": no host");
        }
        return new TlsCheckRequest(
                host,
                port,
                starttls,
                host,
                Optional.empty(),
                Optional.empty(),
                List.of(),
                List.of(),
                DEFAULT_WARN_DAYS,
                DEFAULT_TIMEOUT);
    }

    public TlsCheckRequest withServerName(String name) {
        return new TlsCheckRequest(
                host, port, starttls, name, ip, trust, pins, expectIps, warnDays, timeout);
    }

    public TlsCheckRequest withIp(String address) {
        return new TlsCheckRequest(
                host,
                port,
                starttls,
                serverName,
                Optional.of(address),
                trust,
                pins,
                expectIps,
                warnDays,
                timeout);
    }

    public TlsCheckRequest withTrust(Set<TrustAnchor> anchors) {
        return new TlsCheckRequest(
                host,
                port,
                starttls,
                serverName,
                ip,
                Optional.of(anchors),
                pins,
                expectIps,
                warnDays,
                timeout);
    }

    /**
     * With SPKI pins ({@code sha256/BASE64}) and the address literals the host may resolve to; a
     * malformed one is an {@link IllegalArgumentException} naming it.
     */
    public TlsCheckRequest withPins(List<String> spkiPins, List<String> addresses) {
        spkiPins.forEach(PinCheck::validPin);
        for (String a : addresses) {
            if (!a.matches("[0-9.]+|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*")) {
                throw new IllegalArgumentException(
                        "expected address \"" + a + "\" is not an IP address literal");
            }
        }
        return new TlsCheckRequest(
                host,
                port,
                starttls,
                serverName,
                ip,
                trust,
                spkiPins,
                addresses,
                warnDays,
                timeout);
    }

    public TlsCheckRequest withWarnDays(int days) {
        return new TlsCheckRequest(
                host, port, starttls, serverName, ip, trust, pins, expectIps, days, timeout);
    }

    /** {@code host:port} as given, IPv6 in brackets. */
    public String target() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
}
