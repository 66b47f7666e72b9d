package io.mailseal.delivery;

import io.mailseal.config.HostPort;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Cache;
import org.xbill.DNS.DClass;
import org.xbill.DNS.ExtendedResolver;
import org.xbill.DNS.Lookup;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * {@code delivery.mode = mx}: recipients grouped by domain, each domain's MX hosts tried in
 * preference order (equal preferences shuffled, RFC 5321 §5.1), the domain's own address when it
 * has no MX (the implicit MX), nothing for a null MX (RFC 7505) or a domain that does not exist. A
 * DNS failure is temporary: mail waits, it is not bounced. Answers are cached for their TTL.
 */
final class MxRouter implements Router {
    private final Resolver resolver;
    private final Cache cache = new Cache(DClass.IN);
    private final int port;

    MxRouter(List<HostPort> servers, int port, Duration timeout) {
        this.port = port;
        ExtendedResolver r =
                servers.isEmpty()
                        ? new ExtendedResolver()
                        : new ExtendedResolver(
                                servers.stream()
                                        .map(
                                                s ->
                                                        new SimpleResolver(
                                                                new InetSocketAddress(
                                                                        s.host(), s.port())))
                                        .toArray(Resolver[]::new));
        r.setTimeout(
                timeout.compareTo(Duration.ofSeconds(10)) < 0 ? timeout : Duration.ofSeconds(10));
        this.resolver = r;
    }

    @Override
    public String destination(String recipient) {
        return recipient.substring(recipient.lastIndexOf('@') + 1).toLowerCase(Locale.ROOT);
    }

    @Override
    public Route route(String domain) {
        Lookup mx;
        try {
            mx = lookup(domain, Type.MX);
        } catch (TextParseException e) {
            return new Route.Unroutable(relayRefusal(553, "5.1.2 bad domain " + domain));
        }
        return switch (mx.getResult()) {
            case Lookup.SUCCESSFUL -> viaMx(domain, mx.getAnswers());
            case Lookup.TYPE_NOT_FOUND -> implicitMx(domain);
            case Lookup.HOST_NOT_FOUND ->
                    new Route.Unroutable(
                            relayRefusal(550, "5.1.2 domain " + domain + " does not exist"));
            default ->
                    new Route.Unroutable(
                            new DeliveryResult.Deferred(
                                    "4.4.3 DNS lookup of MX "
                                            + domain
                                            + ": "
                                            + mx.getErrorString()));
        };
    }

    private static DeliveryResult relayRefusal(int code, String reason) {
        return new DeliveryResult.Failed(code, reason, DeliveryResult.Source.RELAY);
    }

    private Route viaMx(String domain, Record[] answers) {
        Map<Integer, List<Name>> byPreference = new TreeMap<>();
        for (Record r : answers) {
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
                hosts.addAll(addresses(target).hosts());
            }
        }
        return hosts.isEmpty()
                ? new Route.Unroutable(
                        new DeliveryResult.Deferred(
                                "4.4.4 no MX host of " + domain + " has an address"))
                : new Route.Hosts(hosts);
    }

    private Route implicitMx(String domain) {
        try {
            Name name = Name.fromString(domain, Name.root);
            Addresses found = addresses(name);
            List<NextHop> hosts = found.hosts();
            if (hosts.isEmpty() && found.lookupFailed()) {
                return new Route.Unroutable(
                        new DeliveryResult.Deferred(
                                "4.4.3 DNS lookup of the address of " + domain + " failed"));
            }
            return hosts.isEmpty()
                    ? new Route.Unroutable(
                            relayRefusal(
                                    550, "5.1.2 domain " + domain + " has neither MX nor address"))
                    : new Route.Hosts(hosts);
        } catch (TextParseException e) {
            return new Route.Unroutable(relayRefusal(553, "5.1.2 bad domain " + domain));
        }
    }

    /**
     * @param lookupFailed an A or AAAA lookup failed (timeout, SERVFAIL) rather than answered
     *     "none": temporary
     */
    private record Addresses(List<NextHop> hosts, boolean lookupFailed) {}

    private Addresses addresses(Name host) {
        String name = host.toString(true);
        List<NextHop> out = new ArrayList<>();
        boolean failed = false;
        for (int type : new int[] {Type.A, Type.AAAA}) { // IPv4 first: not every network routes v6
            Lookup l = lookup(host, type);
            if (l.getResult() == Lookup.SUCCESSFUL) {
                for (Record r : l.getAnswers()) {
                    String address =
                            r instanceof ARecord a
                                    ? a.getAddress().getHostAddress()
                                    : ((AAAARecord) r).getAddress().getHostAddress();
                    out.add(new NextHop(name, address, port));
                }
            }
            failed |= l.getResult() == Lookup.TRY_AGAIN || l.getResult() == Lookup.UNRECOVERABLE;
        }
        return new Addresses(out, failed);
    }

    private Lookup lookup(String domain, int type) throws TextParseException {
        return lookup(Name.fromString(domain, Name.root), type);
    }

    private Lookup lookup(Name name, int type) {
        Lookup l = new Lookup(name, type);
        l.setResolver(resolver);
        l.setCache(cache);
        l.run();
        return l;
    }
}
