package io.mailseal.certs;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.smime.SMIMECapabilities;
import org.bouncycastle.asn1.smime.SMIMECapability;
import org.bouncycastle.asn1.smime.SMIMECapabilityVector;

/**
 * What a customer's mail client says it can decrypt: the SMIMECapabilities signed attribute of mail
 * it signed (RFC 8551 §2.5.2), algorithm OIDs in the client's order of preference. Parameters (RC2
 * key sizes) are not kept; nothing we send needs them. For the crypto {@code auto} choice: AES-GCM
 * and RSA-OAEP only where the client announced them.
 */
public record SenderCapabilities(List<String> algorithms, byte[] encoded) {
    static final String AES256_GCM = "2.16.840.1.101.3.4.1.46";
    static final String AES128_GCM = "2.16.840.1.101.3.4.1.6";
    static final String RSAES_OAEP = "1.2.840.113549.1.1.7";
    private static final Map<String, String> NAMES =
            Map.of(
                    AES256_GCM,
                    "AES-256-GCM",
                    AES128_GCM,
                    "AES-128-GCM",
                    RSAES_OAEP,
                    "RSAES-OAEP",
                    "2.16.840.1.101.3.4.1.42",
                    "AES-256-CBC",
                    "2.16.840.1.101.3.4.1.22",
                    "AES-192-CBC",
                    "2.16.840.1.101.3.4.1.2",
                    "AES-128-CBC",
                    "1.2.840.113549.3.7",
                    "DES-EDE3-CBC",
                    "1.2.840.113549.1.1.1",
                    "RSA PKCS#1 v1.5",
                    "1.2.840.113549.3.2",
                    "RC2-CBC");

    public SenderCapabilities {
        algorithms = List.copyOf(algorithms);
        encoded = encoded.clone();
    }

    /** Algorithms without parameters (tests, and clients that announce none). */
    public SenderCapabilities(List<String> algorithms) {
        this(algorithms, der(algorithms));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SenderCapabilities other
                && java.util.Arrays.equals(encoded, other.encoded);
    }

    @Override
    public int hashCode() {
        return java.util.Arrays.hashCode(encoded);
    }

    @Override
    public String toString() {
        return "SenderCapabilities[" + describe() + "]";
    }

    /** The attribute value as the client sent it, parameters (e.g. OAEP's hash) included. */
    @Override
    public byte[] encoded() {
        return encoded.clone();
    }

    /** AuthEnvelopedData with AES-GCM (RFC 5083, RFC 8551 §2.7). */
    public boolean readsAesGcm() {
        return algorithms.contains(AES256_GCM) || algorithms.contains(AES128_GCM);
    }

    public boolean readsRsaOaep() {
        return algorithms.contains(RSAES_OAEP);
    }

    /** The algorithms by name where known, for people. */
    public String describe() {
        return String.join(", ", algorithms.stream().map(a -> NAMES.getOrDefault(a, a)).toList());
    }

    /** The attribute value: a DER SEQUENCE OF SMIMECapability. */
    public static SenderCapabilities parse(byte[] der) throws IOException {
        try {
            return of(SMIMECapabilities.getInstance(ASN1Primitive.fromByteArray(der)));
        } catch (IllegalArgumentException e) {
            throw new IOException("not an SMIMECapabilities value: " + e.getMessage(), e);
        }
    }

    static SenderCapabilities of(SMIMECapabilities caps) {
        List<String> oids = new ArrayList<>();
        for (Object c : caps.getCapabilities(null)) {
            oids.add(((SMIMECapability) c).getCapabilityID().getId());
        }
        try {
            return new SenderCapabilities(oids, caps.getEncoded());
        } catch (IOException e) {
            return new SenderCapabilities(oids);
        }
    }

    private static byte[] der(List<String> algorithms) {
        SMIMECapabilityVector v = new SMIMECapabilityVector();
        algorithms.forEach(a -> v.addCapability(new ASN1ObjectIdentifier(a)));
        try {
            return new DERSequence(v.toASN1EncodableVector()).getEncoded();
        } catch (IOException e) {
            throw new IllegalArgumentException("not encodable: " + algorithms, e);
        }
    }
}
