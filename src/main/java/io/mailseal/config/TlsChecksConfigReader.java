package io.mailseal.config;

import java.util.List;

/** Reads {@code mailseal.tls-checks} (a list of targets) and {@code tls-checks-interval}. */
final class TlsChecksConfigReader {
    /** {@code sha256/} and the base64 of 32 octets (RFC 7469 §2.4). */
    private static final String PIN = "sha256/[A-Za-z0-9+/]{43}=";

    private static final String ADDRESS = "[0-9.]+|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*";

    private TlsChecksConfigReader() {}

    static TlsChecksConfig read(ConfigSection root) {
        return new TlsChecksConfig(
                root.duration("tls-checks-interval", TlsChecksConfig.DEFAULT_INTERVAL),
                root.sections("tls-checks", TlsChecksConfigReader::target));
    }

    private static TlsChecksConfig.Target target(ConfigSection s) {
        if (!s.has("target")) {
            s.problem("target", "is missing (host:port of the server to check)");
        }
        String starttls = s.string("starttls", "none");
        if (!List.of("none", "smtp").contains(starttls)) {
            s.problem("starttls", s.value("starttls"), "is not one of none | smtp");
        }
        List<String> pins = s.strings("pins", List.of());
        pins.stream()
                .filter(p -> !p.matches(PIN))
                .forEach(p -> s.problem("pins", "\"" + p + "\" is not sha256/ and 44 base64"));
        List<String> ips = s.strings("expect-ips", List.of());
        ips.stream()
                .filter(a -> !a.matches(ADDRESS))
                .forEach(a -> s.problem("expect-ips", "\"" + a + "\" is not an IP address"));
        return new TlsChecksConfig.Target(
                ConfigLoader.hostPort(s, "target", "localhost:443"),
                starttls.equals("smtp"),
                s.optionalString("server-name"),
                s.optionalPath("trust"),
                pins,
                ips,
                s.integer("warn-days", 30, 0));
    }
}
