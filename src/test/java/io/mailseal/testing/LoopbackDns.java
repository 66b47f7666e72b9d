package io.mailseal.testing;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;

/**
 * An authoritative DNS server on 127.0.0.1 (UDP) for tests: answers from the records it is given
 * (wire format by dnsjava), NXDOMAIN for names it does not know, SERVFAIL for names marked failing,
 * NODATA with an SOA for known names without the asked type.
 */
public final class LoopbackDns implements AutoCloseable {
    private final DatagramSocket socket;
    private final Map<Name, List<Record>> records = new ConcurrentHashMap<>();
    private final Set<Name> failing = ConcurrentHashMap.newKeySet();
    private final Thread thread;

    public LoopbackDns() throws SocketException {
        socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        thread = new Thread(this::serve, "loopback-dns");
        thread.setDaemon(true);
        thread.start();
    }

    public int port() {
        return socket.getLocalPort();
    }

    /** {@code name type rdata}, e.g. {@code "customer.test. MX 10 mx1.customer.test."}. */
    public LoopbackDns record(String name, String type, String rdata) throws IOException {
        Record r =
                Record.fromString(
                        Name.fromString(name),
                        org.xbill.DNS.Type.value(type),
                        DClass.IN,
                        60,
                        rdata,
                        Name.root);
        records.computeIfAbsent(r.getName(), n -> new java.util.concurrent.CopyOnWriteArrayList<>())
                .add(r);
        return this;
    }

    /** Replaces the records of {@code type} at {@code name} with this one. */
    public LoopbackDns replace(String name, String type, String rdata) throws IOException {
        List<Record> known = records.get(Name.fromString(name));
        if (known != null) {
            known.removeIf(r -> r.getType() == org.xbill.DNS.Type.value(type));
        }
        return record(name, type, rdata);
    }

    public LoopbackDns failing(String name) throws IOException {
        failing.add(Name.fromString(name));
        return this;
    }

    private void serve() {
        byte[] buf = new byte[1500];
        while (!socket.isClosed()) {
            try {
                DatagramPacket in = new DatagramPacket(buf, buf.length);
                socket.receive(in);
                byte[] out =
                        answer(new Message(java.util.Arrays.copyOf(in.getData(), in.getLength())))
                                .toWire(512);
                socket.send(new DatagramPacket(out, out.length, in.getSocketAddress()));
            } catch (IOException e) {
                // closed, or a packet we cannot parse: keep serving until closed
            }
        }
    }

    private Message answer(Message query) throws IOException {
        Record q = query.getQuestion();
        Message response = new Message(query.getHeader().getID());
        response.getHeader().setFlag(Flags.QR);
        response.getHeader().setFlag(Flags.AA);
        if (query.getHeader().getFlag(Flags.RD)) {
            response.getHeader().setFlag(Flags.RD);
            response.getHeader().setFlag(Flags.RA);
        }
        response.addRecord(q, Section.QUESTION);
        if (failing.contains(q.getName())) {
            response.getHeader().setRcode(Rcode.SERVFAIL);
            return response;
        }
        List<Record> known = records.get(q.getName());
        if (known == null) {
            response.getHeader().setRcode(Rcode.NXDOMAIN);
            response.addRecord(soa(q.getName()), Section.AUTHORITY);
            return response;
        }
        known.stream()
                .filter(r -> r.getType() == q.getType())
                .forEach(r -> response.addRecord(r, Section.ANSWER));
        if (response.getSection(Section.ANSWER).isEmpty()) {
            response.addRecord(soa(q.getName()), Section.AUTHORITY); // NODATA
        }
        return response;
    }

    private static SOARecord soa(Name name) throws IOException {
        Name zone = name.labels() > 2 ? new Name(name, name.labels() - 3) : name;
        return new SOARecord(
                zone,
                DClass.IN,
                60,
                Name.fromString("ns." + zone),
                Name.fromString("hostmaster." + zone),
                1,
                3600,
                600,
                86400,
                60);
    }

    @Override
    public void close() {
        socket.close();
    }
}
