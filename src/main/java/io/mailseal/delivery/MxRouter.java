package io.mailseal.delivery;

import io.mailseal.dns.Deadline;
import io.mailseal.dns.DnsAnswer;
import io.mailseal.dns.Security;
import io.mailseal.dns.ValidatingDns;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * {@code delivery.mode = mx}: recipients grouped by domain, each domain's MX hosts tried in
 * preference order (equal preferences shuffled, RFC 5321 §5.1), the domain's own address when it
 * has no MX (the implicit MX), nothing for a null MX (RFC 7505) or a domain that does not exist. A
 * DNS failure or a DNSSEC-bogus answer is temporary: mail waits, it is neither bounced nor sent
 * where a forged answer points. All lookups of one routing (the MX and every host's A and AAAA)
 * share one {@link Deadline} of {@code mailseal.dns.timeout}; hosts whose addresses are not known
 * by then are left out, and a routing with none left is deferred.
 */
final class MxRouter implements Router {
    private final ValidatingDns dns;
    private final int port;
    private final Optional<MtaSts> sts;

    /**
     * @param sts when MTA-STS is on: each routed domain's hosts carry its policy
     */
    MxRouter(ValidatingDns dns, int port, Optional<MtaSts> sts) {
        this.dns = dns;
        this.port = port;
        this.sts = sts;
    }

    @Override
    public String destination(String recipient) {
        return recipient.substring(recipient.lastIndexOf('@') + 1).toLowerCase(Locale.ROOT);
    }

    @Override
    public Route route(String domain) {
        Route route = byDns(domain);
        if (route instanceof Route.Hosts h && sts.isPresent()) {
            Optional<StsPolicy> policy = sts.get().policy(domain);
            if (policy.isPresent()) {
                return new Route.Hosts(h.hosts().stream().map(n -> n.under(policy.get())).toList());
            }
        }
        return route;
    }

    private Route byDns(String domain) {
        Name name;
        try {
            name = Name.fromString(domain, Name.root);
        } catch (TextParseException e) {
            return new Route.Unroutable(relayRefusal(553, "5.1.2 bad domain " + domain));
        }
        Deadline deadline = Deadline.after(dns.timeout());
        DnsAnswer mx = dns.lookup(name, Type.MX, deadline);
        if (mx instanceof DnsAnswer.Records r) {
            return r.records().isEmpty()
                    ? implicitMx(domain, name, r.security(), deadline)
                    : viaMx(domain, r, deadline);
        }
        if (mx instanceof DnsAnswer.NoSuchName) {
            return new Route.Unroutable(
                    relayRefusal(550, "5.1.2 domain " + domain + " does not exist"));
        }
        return new Route.Unroutable(
                new DeliveryResult.Deferred("4.4.3 DNS lookup of MX " + domain + ": " + why(mx)));
    }

    private static String why(DnsAnswer failure) {
        return failure instanceof DnsAnswer.Bogus b
                ? "DNSSEC validation failed (" + b.reason() + ")"
                : ((DnsAnswer.Failed) failure).reason();
    }

    private static DeliveryResult relayRefusal(int code, String reason) {
        return new DeliveryResult.Failed(code, reason, DeliveryResult.Source.RELAY);
    }

    private Route viaMx(String domain, DnsAnswer.Records answer, Deadline deadline) {
        Map<Integer, List<Name>> byPreference = new TreeMap<>();
        for (Record r : answer.records()) {
            MXRecord m = (MXRecord) r;
            if (m.getTarget().equals(Name.root)) {
                return new Route.Unroutable(
                        relayRefusal(
                                556,
                                "5.1.10 domain "
                                        + domain
                                        + " accepts no mail (null MX, RFC 7505)"));
            }
            byPreference
                    .computeIfAbsent(m.getPriority(), p -> new ArrayList<>())
                    .add(m.getTarget());
        }
        List<NextHop> hosts = new ArrayList<>();
        for (List<Name> equal : byPreference.values()) {
            Collections.shuffle(equal);
            for (Name target : equal) {
                hosts.addAll(addresses(target, answer.security(), deadline).hosts());
            }
        }
        return hosts.isEmpty()
                ? new Route.Unroutable(
                        new DeliveryResult.Deferred(
                                "4.4.4 no MX host of " + domain + " has an address"))
                : new Route.Hosts(hosts);
    }

    private Route implicitMx(String domain, Name name, Security mx, Deadline deadline) {
        Addresses found = addresses(name, mx, deadline);
        List<NextHop> hosts = found.hosts();
        if (hosts.isEmpty() && found.lookupFailed()) {
            return new Route.Unroutable(
                    new DeliveryResult.Deferred(
                            "4.4.3 DNS lookup of the address of " + domain + " failed"));
        }
        return hosts.isEmpty()
                ? new Route.Unroutable(
                        relayRefusal(550, "5.1.2 domain " + domain + " has neither MX nor address"))
                : new Route.Hosts(hosts);
    }

    /**
     * @param lookupFailed an A or AAAA lookup failed (timeout, SERVFAIL, bogus) rather than
     *     answered "none": temporary
     */
    private record Addresses(List<NextHop> hosts, boolean lookupFailed) {}

    /**
     * @param mx how secure the answer that named {@code host} was: a host is DNSSEC secure (for
     *     DANE) only when that answer and its own address records were
     */
    private Addresses addresses(Name host, Security mx, Deadline deadline) {
        String name = host.toString(true);
        List<NextHop> out = new ArrayList<>();
        boolean failed = false;
        for (int type : new int[] {Type.A, Type.AAAA}) { // IPv4 first: not every network routes v6
            DnsAnswer answer = dns.lookup(host, type, deadline);
            if (answer instanceof DnsAnswer.Records r) {
                for (InetAddress address : r.addresses()) {
                    out.add(
                            new NextHop(
                                    name,
                                    address.getHostAddress(),
                                    port,
                                    mx == Security.SECURE && r.security() == Security.SECURE));
                }
            }
            failed |= answer instanceof DnsAnswer.Bogus || answer instanceof DnsAnswer.Failed;
        }
        return new Addresses(out, failed);
    }
}
