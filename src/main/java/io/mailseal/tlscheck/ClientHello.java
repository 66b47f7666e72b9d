package io.mailseal.tlscheck;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.List;

/**
 * A ClientHello record made by hand (RFC 8446 §4.1.2, RFC 5246 §7.4.1.2), offering exactly one
 * protocol version and the given suites — so the server's answer says whether it accepts that
 * version and which of the suites it picks, including versions and suites the JDK will not offer.
 * Asks for OCSP stapling (status_request, RFC 6066 §8).
 */
final class ClientHello {
    private static final SecureRandom RANDOM = new SecureRandom();

    /** x25519, secp256r1, secp384r1, secp521r1, ffdhe2048, ffdhe3072. */
    private static final int[] GROUPS = {0x001D, 0x0017, 0x0018, 0x0019, 0x0100, 0x0101};

    /** ECDSA, RSA-PSS, RSA PKCS#1 with SHA-256/384/512, then SHA-1 for old servers. */
    private static final int[] SIGNATURES = {
        0x0403, 0x0503, 0x0603, 0x0804, 0x0805, 0x0806, 0x0401, 0x0501, 0x0601, 0x0201, 0x0203
    };

    private ClientHello() {}

    static byte[] record(Protocol protocol, List<CipherSuite> suites, String serverName) {
        boolean tls13 = protocol == Protocol.TLS1_3;
        Bytes body = new Bytes();
        body.u16(tls13 ? Protocol.TLS1_2.wire : protocol.wire);
        body.raw(random(32));
        byte[] session = tls13 ? random(32) : new byte[0];
        body.u8(session.length).raw(session);
        Bytes ids = new Bytes();
        suites.forEach(s -> ids.u16(s.id()));
        if (!tls13) {
            ids.u16(0x00FF); // TLS_EMPTY_RENEGOTIATION_INFO_SCSV (RFC 5746)
        }
        body.u16(ids.size()).raw(ids.bytes());
        body.u8(1).u8(0); // null compression only
        if (protocol != Protocol.SSL3) {
            byte[] ext = extensions(protocol, serverName);
            body.u16(ext.length).raw(ext);
        }
        Bytes handshake = new Bytes().u8(1).u24(body.size()).raw(body.bytes());
        return new Bytes()
                .u8(22)
                .u16(protocol == Protocol.SSL3 ? Protocol.SSL3.wire : Protocol.TLS1_0.wire)
                .u16(handshake.size())
                .raw(handshake.bytes())
                .bytes();
    }

    private static byte[] extensions(Protocol protocol, String serverName) {
        Bytes ext = new Bytes();
        if (serverName != null) {
            byte[] name = serverName.getBytes(StandardCharsets.US_ASCII);
            Bytes list = new Bytes().u8(0).u16(name.length).raw(name);
            extension(ext, 0, new Bytes().u16(list.size()).raw(list.bytes()));
        }
        extension(ext, 5, new Bytes().u8(1).u16(0).u16(0)); // status_request: OCSP, no ids
        Bytes groups = new Bytes();
        for (int g : GROUPS) {
            groups.u16(g);
        }
        extension(ext, 10, new Bytes().u16(groups.size()).raw(groups.bytes()));
        extension(ext, 11, new Bytes().u8(1).u8(0)); // ec_point_formats: uncompressed
        if (protocol.compareTo(Protocol.TLS1_2) >= 0) {
            Bytes sigs = new Bytes();
            for (int s : SIGNATURES) {
                sigs.u16(s);
            }
            extension(ext, 13, new Bytes().u16(sigs.size()).raw(sigs.bytes()));
        }
        if (protocol == Protocol.TLS1_3) {
            extension(ext, 43, new Bytes().u8(2).u16(Protocol.TLS1_3.wire));
            extension(ext, 45, new Bytes().u8(1).u8(1)); // psk_key_exchange_modes: psk_dhe_ke
            // any 32 octets are an x25519 public key; the probe never finishes the handshake
            Bytes share = new Bytes().u16(0x001D).u16(32).raw(random(32));
            extension(ext, 51, new Bytes().u16(share.size()).raw(share.bytes()));
        }
        return ext.bytes();
    }

    private static void extension(Bytes out, int type, Bytes data) {
        out.u16(type).u16(data.size()).raw(data.bytes());
    }

    private static byte[] random(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }

    /** Big-endian writer for the TLS presentation language's integers and vectors. */
    private static final class Bytes {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Bytes u8(int v) {
            out.write(v);
            return this;
        }

        Bytes u16(int v) {
            return u8(v >>> 8).u8(v & 0xFF);
        }

        Bytes u24(int v) {
            return u8(v >>> 16).u16(v & 0xFFFF);
        }

        Bytes raw(byte[] b) {
            out.writeBytes(b);
            return this;
        }

        int size() {
            return out.size();
        }

        byte[] bytes() {
            return out.toByteArray();
        }
    }
}
