package io.mailseal.tlscheck;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * What a server answered to a {@link ClientHello}, read from its records: the ServerHello's version
 * and suite (a HelloRetryRequest counts: it too accepts both), or why there was none (an alert, a
 * closed connection). Before TLS 1.3 the rest of the server's flight is in the clear, so the
 * certificate chain and whether it stapled an OCSP response are read up to ServerHelloDone.
 */
record ServerAnswer(
        Optional<Protocol> protocol,
        Optional<CipherSuite> suite,
        String refusal,
        List<X509Certificate> chain,
        boolean stapled) {
    /** SHA-256("HelloRetryRequest"), the random of a HelloRetryRequest (RFC 8446 §4.1.3). */
    private static final byte[] RETRY =
            HexFormat.of()
                    .parseHex("CF21AD74E59A6111BE1D8C021E65B891C2A211167ABB8C5E079E09E2C8A8339C");

    private static final int MAX_RECORD = 18432;
    private static final int MAX_FLIGHT = 256 * 1024;

    boolean accepted() {
        return protocol.isPresent();
    }

    static ServerAnswer refused(String why) {
        return new ServerAnswer(Optional.empty(), Optional.empty(), why, List.of(), false);
    }

    static ServerAnswer read(InputStream raw) throws IOException {
        DataInputStream in = new DataInputStream(raw);
        ByteArrayOutputStream flight = new ByteArrayOutputStream();
        int parsed = 0;
        ServerAnswer hello = null;
        List<X509Certificate> chain = List.of();
        boolean stapled = false;
        while (true) {
            int type;
            byte[] fragment;
            try {
                type = in.readUnsignedByte();
                in.readUnsignedShort();
                int length = in.readUnsignedShort();
                if (length > MAX_RECORD) {
                    return refused("not a TLS answer (record of " + length + " octets)");
                }
                fragment = in.readNBytes(length);
                if (fragment.length < length) {
                    throw new EOFException();
                }
            } catch (EOFException e) {
                return hello != null
                        ? hello.with(chain, stapled)
                        : refused("connection closed without an answer");
            }
            if (type == 21 && hello == null) {
                return refused(
                        "alert "
                                + (fragment.length > 1
                                        ? Alerts.name(fragment[1] & 0xFF)
                                        : "(truncated)"));
            }
            if (type != 22) {
                if (hello == null && type != 20) {
                    return refused("not a TLS answer (record type " + type + ")");
                }
                continue;
            }
            flight.writeBytes(fragment);
            if (flight.size() > MAX_FLIGHT) {
                return refused("handshake flight larger than " + MAX_FLIGHT + " octets");
            }
            byte[] all = flight.toByteArray();
            while (all.length - parsed >= 4) {
                int msg = all[parsed] & 0xFF;
                int len =
                        ((all[parsed + 1] & 0xFF) << 16)
                                | ((all[parsed + 2] & 0xFF) << 8)
                                | (all[parsed + 3] & 0xFF);
                if (all.length - parsed - 4 < len) {
                    break;
                }
                byte[] body = Arrays.copyOfRange(all, parsed + 4, parsed + 4 + len);
                parsed += 4 + len;
                if (hello == null) {
                    if (msg != 2) {
                        return refused("first handshake message is type " + msg);
                    }
                    hello = serverHello(body);
                    if (hello.protocol.orElseThrow() == Protocol.TLS1_3) {
                        return hello;
                    }
                } else if (msg == 11) {
                    chain = certificates(body);
                } else if (msg == 22) {
                    stapled = true;
                } else if (msg == 14) {
                    return hello.with(chain, stapled);
                }
            }
        }
    }

    private ServerAnswer with(List<X509Certificate> certificates, boolean ocsp) {
        return new ServerAnswer(protocol, suite, refusal, certificates, ocsp);
    }

    private static ServerAnswer serverHello(byte[] body) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(body));
        int version = in.readUnsignedShort();
        byte[] random = in.readNBytes(32);
        in.skipNBytes(in.readUnsignedByte());
        int suite = in.readUnsignedShort();
        in.readUnsignedByte();
        if (in.available() >= 2) {
            int left = in.readUnsignedShort();
            while (left >= 4) {
                int type = in.readUnsignedShort();
                int len = in.readUnsignedShort();
                if (type == 43 && len == 2) {
                    version = in.readUnsignedShort();
                } else {
                    in.skipNBytes(len);
                }
                left -= 4 + len;
            }
        }
        String how = Arrays.equals(random, RETRY) ? "HelloRetryRequest" : "ServerHello";
        return new ServerAnswer(
                Optional.of(Protocol.ofWire(version)),
                Optional.of(CipherSuite.of(suite)),
                how,
                List.of(),
                false);
    }

    private static List<X509Certificate> certificates(byte[] body) throws IOException {
        List<X509Certificate> out = new ArrayList<>();
        int at = 3;
        try {
            CertificateFactory f = CertificateFactory.getInstance("X.509");
            while (at + 3 <= body.length) {
                int len =
                        ((body[at] & 0xFF) << 16)
                                | ((body[at + 1] & 0xFF) << 8)
                                | (body[at + 2] & 0xFF);
                at += 3;
                out.add(
                        (X509Certificate)
                                f.generateCertificate(new ByteArrayInputStream(body, at, len)));
                at += len;
            }
        } catch (CertificateException | IndexOutOfBoundsException e) {
            throw new IOException("unreadable Certificate message: " + e.getMessage(), e);
        }
        return out;
    }

    /** The alert descriptions a refusing server sends (RFC 8446 §6). */
    private static final class Alerts {
        private Alerts() {}

        static String name(int code) {
            return switch (code) {
                case 10 -> "unexpected_message";
                case 40 -> "handshake_failure";
                case 47 -> "illegal_parameter";
                case 50 -> "decode_error";
                case 70 -> "protocol_version";
                case 71 -> "insufficient_security";
                case 80 -> "internal_error";
                case 112 -> "unrecognized_name";
                default -> "code " + code;
            };
        }
    }
}
