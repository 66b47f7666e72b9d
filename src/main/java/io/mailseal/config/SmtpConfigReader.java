package io.mailseal.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Reads {@code mailseal.smtp}: listener, who may relay, and the limits of the intake. */
final class SmtpConfigReader {
    /** Socket timeouts are whole milliseconds in an int; a day is far beyond any sane wait. */
    private static final Duration LONGEST_TIMEOUT = Duration.ofDays(1);

    private SmtpConfigReader() {}

    static SmtpConfig read(ConfigSection s) {
        SmtpConfig smtp = readOpen(s, "0.0.0.0:2525");
        s.finish();
        return smtp;
    }

    /**
     * The listener's keys of {@code s}, leaving other keys to the caller (which then calls {@link
     * ConfigSection#finish()}): the inbound listener reads its own with the same rules.
     */
    static SmtpConfig readOpen(ConfigSection s, String defaultListen) {
        List<ClientNetwork> clients = new ArrayList<>();
        for (String cidr : s.strings("allowed-clients", List.of("127.0.0.0/8", "::1/128"))) {
            try {
                clients.add(ClientNetwork.parse(cidr));
            } catch (IllegalArgumentException e) {
                s.problem("allowed-clients", "\"" + cidr + "\" " + e.getMessage());
            }
        }
        Optional<SmtpConfig.Tls> tls = tls(s.section("tls"));
        ConfigSection auth = s.section("auth");
        Optional<Path> usersFile = auth.optionalPath("users-file");
        if (usersFile.isPresent() && tls.isEmpty()) {
            auth.problem(
                    "users-file",
                    "AUTH is offered only after STARTTLS: set "
                            + s.key("tls.certificate")
                            + " and key");
        }
        auth.finish();
        SmtpConfig smtp =
                new SmtpConfig(
                        ConfigLoader.hostPort(s, "listen", defaultListen),
                        s.string("hostname", "mailseal.localdomain"),
                        List.copyOf(clients),
                        s.bytes("max-message-size", 50L << 20),
                        s.integer("max-recipients", 100, 1),
                        limits(s),
                        tls,
                        usersFile,
                        s.path());
        if (smtp.maxMessageSize() > Integer.MAX_VALUE - 1) {
            s.problem("max-message-size", "must be below 2GiB");
        } else if (smtp.maxMessageSize() > smtp.limits().memoryBudget()) {
            s.problem(
                    "max-message-size",
                    smtp.maxMessageSize()
                            + " bytes is more than "
                            + s.key("memory-budget")
                            + " ("
                            + smtp.limits().memoryBudget()
                            + " bytes"
                            + (s.has("memory-budget") ? "" : ", by default 40% of the JVM's -Xmx")
                            + "): a message must fit in the budget");
        }
        return smtp;
    }

    private static SmtpConfig.Limits limits(ConfigSection s) {
        // RFC 5321 §4.5.3.1.6: a text line of 1000 octets with its CRLF must be accepted
        return new SmtpConfig.Limits(
                s.integer("max-line-length", 1000, 1000),
                s.bytes("max-header-size", 100L << 10),
                s.integer("max-messages-per-connection", 1000, 1),
                s.integer("max-connections", 200, 1),
                s.integer("max-connections-per-client", 50, 1),
                timeout(s, "command-timeout", Duration.ofMinutes(5)), // RFC 5321 §4.5.3.2.7
                timeout(s, "data-timeout", Duration.ofMinutes(5)),
                s.integer("max-mime-depth", 20, 1),
                s.integer("max-mime-parts", 1000, 1),
                s.integer("max-mime-header-fields", 1000, 1),
                s.bytes("memory-budget", Runtime.getRuntime().maxMemory() / 100 * 40),
                s.bytes("min-data-rate", 1024), // per second
                timeout(s, "command-deadline", Duration.ofMinutes(5)));
    }

    private static Optional<SmtpConfig.Tls> tls(ConfigSection t) {
        Optional<Path> certificate = t.optionalPath("certificate");
        Optional<Path> key = t.optionalPath("key");
        boolean require = t.bool("require", false);
        t.finish();
        if (certificate.isPresent() != key.isPresent()) {
            t.problem(
                    certificate.isPresent() ? "key" : "certificate",
                    "is missing: give both certificate and key");
        } else if (require && certificate.isEmpty()) {
            t.problem("require", "is true but there is no certificate and key");
        }
        return certificate.isPresent() && key.isPresent()
                ? Optional.of(new SmtpConfig.Tls(certificate.get(), key.get(), require))
                : Optional.empty();
    }

    private static Duration timeout(ConfigSection s, String key, Duration fallback) {
        Duration d = s.duration(key, fallback);
        if (d.compareTo(LONGEST_TIMEOUT) > 0) {
            s.problem(key, s.value(key), "must be at most 1d");
            return fallback;
        }
        return d;
    }
}
