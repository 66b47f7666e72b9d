package io.mailseal.tlscheck;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The cipher suites the probe offers (IANA names and code points), including those no modern
 * library offers any more, and what RFC 9325 says of each when a server accepts it.
 */
record CipherSuite(int id, String name) {
    private static final String TABLE =
            "1301 TLS_AES_128_GCM_SHA256,1302 TLS_AES_256_GCM_SHA384,"
                    + "1303 TLS_CHACHA20_POLY1305_SHA256,1304 TLS_AES_128_CCM_SHA256,"
                    + "1305 TLS_AES_128_CCM_8_SHA256,"
                    + "0001 TLS_RSA_WITH_NULL_MD5,0002 TLS_RSA_WITH_NULL_SHA,"
                    + "003B TLS_RSA_WITH_NULL_SHA256,0003 TLS_RSA_EXPORT_WITH_RC4_40_MD5,"
                    + "0004 TLS_RSA_WITH_RC4_128_MD5,0005 TLS_RSA_WITH_RC4_128_SHA,"
                    + "0006 TLS_RSA_EXPORT_WITH_RC2_CBC_40_MD5,"
                    + "0008 TLS_RSA_EXPORT_WITH_DES40_CBC_SHA,0009 TLS_RSA_WITH_DES_CBC_SHA,"
                    + "000A TLS_RSA_WITH_3DES_EDE_CBC_SHA,0012 TLS_DHE_DSS_WITH_DES_CBC_SHA,"
                    + "0013 TLS_DHE_DSS_WITH_3DES_EDE_CBC_SHA,"
                    + "0014 TLS_DHE_RSA_EXPORT_WITH_DES40_CBC_SHA,"
                    + "0015 TLS_DHE_RSA_WITH_DES_CBC_SHA,0016 TLS_DHE_RSA_WITH_3DES_EDE_CBC_SHA,"
                    + "0017 TLS_DH_anon_EXPORT_WITH_RC4_40_MD5,0018 TLS_DH_anon_WITH_RC4_128_MD5,"
                    + "001A TLS_DH_anon_WITH_DES_CBC_SHA,001B TLS_DH_anon_WITH_3DES_EDE_CBC_SHA,"
                    + "002F TLS_RSA_WITH_AES_128_CBC_SHA,0032 TLS_DHE_DSS_WITH_AES_128_CBC_SHA,"
                    + "0033 TLS_DHE_RSA_WITH_AES_128_CBC_SHA,0034 TLS_DH_anon_WITH_AES_128_CBC_SHA,"
                    + "0035 TLS_RSA_WITH_AES_256_CBC_SHA,0038 TLS_DHE_DSS_WITH_AES_256_CBC_SHA,"
                    + "0039 TLS_DHE_RSA_WITH_AES_256_CBC_SHA,003A TLS_DH_anon_WITH_AES_256_CBC_SHA,"
                    + "003C TLS_RSA_WITH_AES_128_CBC_SHA256,003D TLS_RSA_WITH_AES_256_CBC_SHA256,"
                    + "0041 TLS_RSA_WITH_CAMELLIA_128_CBC_SHA,"
                    + "0045 TLS_DHE_RSA_WITH_CAMELLIA_128_CBC_SHA,"
                    + "0067 TLS_DHE_RSA_WITH_AES_128_CBC_SHA256,"
                    + "006B TLS_DHE_RSA_WITH_AES_256_CBC_SHA256,"
                    + "006C TLS_DH_anon_WITH_AES_128_CBC_SHA256,"
                    + "006D TLS_DH_anon_WITH_AES_256_CBC_SHA256,"
                    + "0084 TLS_RSA_WITH_CAMELLIA_256_CBC_SHA,"
                    + "0088 TLS_DHE_RSA_WITH_CAMELLIA_256_CBC_SHA,0096 TLS_RSA_WITH_SEED_CBC_SHA,"
                    + "009C TLS_RSA_WITH_AES_128_GCM_SHA256,009D TLS_RSA_WITH_AES_256_GCM_SHA384,"
                    + "009E TLS_DHE_RSA_WITH_AES_128_GCM_SHA256,"
                    + "009F TLS_DHE_RSA_WITH_AES_256_GCM_SHA384,"
                    + "00A6 TLS_DH_anon_WITH_AES_128_GCM_SHA256,"
                    + "00A7 TLS_DH_anon_WITH_AES_256_GCM_SHA384,"
                    + "C006 TLS_ECDHE_ECDSA_WITH_NULL_SHA,C007 TLS_ECDHE_ECDSA_WITH_RC4_128_SHA,"
                    + "C008 TLS_ECDHE_ECDSA_WITH_3DES_EDE_CBC_SHA,"
                    + "C009 TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA,"
                    + "C00A TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA,C010 TLS_ECDHE_RSA_WITH_NULL_SHA,"
                    + "C011 TLS_ECDHE_RSA_WITH_RC4_128_SHA,C012 TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA,"
                    + "C013 TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA,"
                    + "C014 TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA,C015 TLS_ECDH_anon_WITH_NULL_SHA,"
                    + "C016 TLS_ECDH_anon_WITH_RC4_128_SHA,C017 TLS_ECDH_anon_WITH_3DES_EDE_CBC_SHA,"
                    + "C018 TLS_ECDH_anon_WITH_AES_128_CBC_SHA,"
                    + "C019 TLS_ECDH_anon_WITH_AES_256_CBC_SHA,"
                    + "C023 TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256,"
                    + "C024 TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384,"
                    + "C027 TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256,"
                    + "C028 TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384,"
                    + "C02B TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,"
                    + "C02C TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,"
                    + "C02F TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,"
                    + "C030 TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,C09C TLS_RSA_WITH_AES_128_CCM,"
                    + "C09D TLS_RSA_WITH_AES_256_CCM,C09E TLS_DHE_RSA_WITH_AES_128_CCM,"
                    + "C09F TLS_DHE_RSA_WITH_AES_256_CCM,C0AC TLS_ECDHE_ECDSA_WITH_AES_128_CCM,"
                    + "C0AD TLS_ECDHE_ECDSA_WITH_AES_256_CCM,"
                    + "CCA8 TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,"
                    + "CCA9 TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,"
                    + "CCAA TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256";

    private static final Map<Integer, CipherSuite> ALL = new LinkedHashMap<>();

    static {
        for (String entry : TABLE.split(",")) {
            int id = Integer.parseInt(entry.substring(0, 4), 16);
            ALL.put(id, new CipherSuite(id, entry.substring(5)));
        }
    }

    /** The TLS 1.3 suites (RFC 8446 §B.4) when {@code tls13}, else all the others. */
    static List<CipherSuite> offered(boolean tls13) {
        List<CipherSuite> out = new ArrayList<>();
        for (CipherSuite s : ALL.values()) {
            if (s.tls13() == tls13) {
                out.add(s);
            }
        }
        return out;
    }

    /** A suite not in the table is named by its code point. */
    static CipherSuite of(int id) {
        return ALL.getOrDefault(id, new CipherSuite(id, String.format("0x%04X", id)));
    }

    boolean tls13() {
        return (id & 0xFF00) == 0x1300;
    }

    /**
     * Why accepting this suite under {@code protocol} is a problem (RFC 9325 §4.1, §4.2; RFC 7465
     * for RC4), with its severity, or empty when it is not.
     */
    Optional<Weakness> weakness(Protocol protocol) {
        if (name.contains("_NULL_")) {
            return fail("NULL encryption");
        }
        if (name.contains("EXPORT")) {
            return fail("export-grade");
        }
        if (name.contains("_anon_")) {
            return fail("anonymous, the server is not authenticated");
        }
        if (name.contains("RC4")) {
            return fail("RC4 (RFC 7465)");
        }
        if (name.contains("3DES")) {
            return fail("3DES, less than 128-bit strength (RFC 9325 §4.1)");
        }
        if (name.contains("_DES_") || name.contains("DES40") || name.contains("RC2")) {
            return fail("DES/RC2, less than 128-bit strength");
        }
        if (name.contains("_CBC_") && protocol.compareTo(Protocol.TLS1_1) <= 0) {
            return fail("CBC with " + protocol.label() + " (BEAST, RFC 9325 §4.1)");
        }
        if (!tls13() && !name.startsWith("TLS_DHE_") && !name.startsWith("TLS_ECDHE_")) {
            return Optional.of(new Weakness(Severity.WARN, "no forward secrecy (RFC 9325 §4.1)"));
        }
        if (name.contains("_CBC_")) {
            return Optional.of(
                    new Weakness(Severity.WARN, "CBC, not AEAD (RFC 9325 §4.2 recommends AEAD)"));
        }
        return Optional.empty();
    }

    private static Optional<Weakness> fail(String why) {
        return Optional.of(new Weakness(Severity.FAIL, why));
    }

    record Weakness(Severity severity, String why) {}
}
