package io.mailseal.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Reads {@code mailseal.dns}: upstream resolvers, trust anchors and the lookup deadline. */
final class DnsConfigReader {
    private DnsConfigReader() {}

    static DnsConfig read(ConfigSection s) {
        List<HostPort> servers = new ArrayList<>();
        for (String server : s.strings("servers", List.of())) {
            HostPort parsed = parse(server);
            if (parsed == null || !isAddress(parsed.host())) {
                s.problem(
                        "servers",
                        "\"" + server + "\" is not an IP address, address:port or [IPv6]:port");
            } else {
                servers.add(parsed);
            }
        }
        Duration timeout = s.duration("timeout", Duration.ofSeconds(10));
        Duration queryTimeout = s.duration("query-timeout", Duration.ofSeconds(3));
        if (queryTimeout.compareTo(timeout) > 0) {
            s.problem(
                    "query-timeout",
                    s.value("query-timeout"),
                    "is longer than timeout (the total time of one lookup)");
        }
        DnsConfig dns =
                new DnsConfig(servers, s.optionalPath("trust-anchors"), timeout, queryTimeout);
        s.finish();
        return dns;
    }

    private static HostPort parse(String server) {
        try {
            return HostPort.parse(server);
        } catch (IllegalArgumentException withoutPort) {
            try {
                return HostPort.parse(
                        server.contains(":") ? "[" + server + "]:53" : server + ":53");
            } catch (IllegalArgumentException e) {
                return null;
            }
        }
    }

    /**
     * A resolver is named by its address: looking its name up would need a resolver (and would go
     * to the system's).
     */
    private static boolean isAddress(String host) {
        return host.matches("(\\d{1,3}\\.){3}\\d{1,3}")
                || host.matches("[0-9a-fA-F:.]*:[0-9a-fA-F:.]*");
    }
}
