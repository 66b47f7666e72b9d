package io.mailseal.tlscheck;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Which protocol versions and cipher suites a server accepts, asked the way testssl.sh asks: one
 * hand-made ClientHello per question, each on a new connection; for each version the suites are
 * found by offering all, noting the one the server picks, and offering the rest again until it
 * refuses. The chain and the stapling answer come from the newest version before TLS 1.3 (whose
 * handshake is in the clear).
 */
record ProtocolScan(
        Map<Protocol, List<CipherSuite>> accepted,
        Map<Protocol, String> refused,
        List<X509Certificate> chain,
        Optional<Boolean> stapled) {

    static ProtocolScan run(InetAddress address, TlsCheckRequest r) throws IOException {
        Map<Protocol, List<CipherSuite>> accepted = new EnumMap<>(Protocol.class);
        Map<Protocol, String> refused = new EnumMap<>(Protocol.class);
        List<X509Certificate> chain = List.of();
        Optional<Boolean> stapled = Optional.empty();
        for (Protocol p : Protocol.values()) {
            List<CipherSuite> left = new ArrayList<>(CipherSuite.offered(p == Protocol.TLS1_3));
            List<CipherSuite> picked = new ArrayList<>();
            String refusal = null;
            while (!left.isEmpty()) {
                ServerAnswer a = ask(address, r, p, left);
                if (!a.accepted() || a.protocol().orElseThrow() != p) {
                    refusal =
                            a.accepted()
                                    ? "answered " + a.protocol().orElseThrow().label()
                                    : a.refusal();
                    break;
                }
                if (picked.isEmpty() && p != Protocol.TLS1_3 && !a.chain().isEmpty()) {
                    chain = a.chain();
                    stapled = Optional.of(a.stapled());
                }
                CipherSuite s = a.suite().orElseThrow();
                if (!left.remove(s)) {
                    picked.add(s); // picked a suite not offered: a broken server, asked no more
                    break;
                }
                picked.add(s);
            }
            if (picked.isEmpty()) {
                refused.put(p, refusal == null ? "no suite accepted" : refusal);
            } else {
                accepted.put(p, List.copyOf(picked));
            }
        }
        return new ProtocolScan(accepted, refused, chain, stapled);
    }

    private static ServerAnswer ask(
            InetAddress address, TlsCheckRequest r, Protocol p, List<CipherSuite> suites)
            throws IOException {
        try (Connection c = Connection.open(address, r)) {
            OutputStream out = c.socket().getOutputStream();
            out.write(ClientHello.record(p, suites, sniName(r.serverName())));
            out.flush();
            try {
                return ServerAnswer.read(c.socket().getInputStream());
            } catch (IOException e) {
                // a server may reset instead of sending an alert: that too is a refusal
                return ServerAnswer.refused("connection failed: " + e.getMessage());
            }
        }
    }

    /** SNI carries host names only, never an address literal (RFC 6066 §3). */
    static String sniName(String name) {
        return name.matches("[0-9.]+") || name.contains(":") ? null : name;
    }

    Finding finding() {
        Finding.Builder f = new Finding.Builder("protocols");
        for (Protocol p : Protocol.values()) {
            List<CipherSuite> suites = accepted.get(p);
            if (suites == null) {
                f.note(p.label() + ": not accepted (" + refused.get(p) + ")");
                continue;
            }
            if (p.compareTo(Protocol.TLS1_1) <= 0) {
                f.problem(Severity.FAIL, p.label() + " accepted (RFC 8996, RFC 9325 §3.1.1)");
            } else {
                f.note(p.label() + ": accepted");
            }
            for (CipherSuite s : suites) {
                String line = p.label() + " " + s.name();
                s.weakness(p)
                        .ifPresentOrElse(
                                w -> f.problem(w.severity(), line + ": " + w.why()),
                                () -> f.note(line));
            }
        }
        if (!accepted.containsKey(Protocol.TLS1_2) && !accepted.containsKey(Protocol.TLS1_3)) {
            f.problem(Severity.FAIL, "neither TLSv1.2 nor TLSv1.3 accepted (RFC 9325 §3.1.1)");
        }
        return f.build("only TLSv1.2/TLSv1.3 with strong suites");
    }
}
