package io.mailseal.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * {@code mailseal.dns { ... }}: the one validating (DNSSEC) resolver, used for MX routing, SMIMEA
 * certificates and DANE.
 *
 * @param servers upstream resolvers (they must pass DNSSEC records on); empty = the system's
 *     (/etc/resolv.conf)
 * @param trustAnchors DS or DNSKEY records in zone-file form; empty = the root anchors shipped in
 *     the jar
 * @param timeout the total time one lookup may take, every query of it included (the validation
 *     chain, CNAMEs, retries on other servers)
 * @param queryTimeout how long one query to one upstream may take before the next is tried
 */
public record DnsConfig(
        List<HostPort> servers,
        Optional<Path> trustAnchors,
        Duration timeout,
        Duration queryTimeout) {

    public DnsConfig {
        servers = List.copyOf(servers);
    }
}
