package io.mailseal.certs;

import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.util.Locale;
import java.util.Map;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x9.ECNamedCurveTable;
import org.bouncycastle.asn1.x9.X9ECParameters;

/**
 * What a customer's certificate must be before a bank encrypts to it, beyond PKIX: an end entity
 * (basicConstraints CA:TRUE marks a CA's certificate, RFC 5280 §4.2.1.9), a key a bank can stand
 * behind (RSA of at least 2048 bits; EC on P-256, P-384 or P-521, RFC 5480 §2.1.1.1: the curves
 * S/MIME clients implement), and a CA signature made with SHA-256 or better (SHA-1 collisions are
 * practical; allowed only by {@code certificates.allow-sha1-signatures}). Each refusal names the
 * reason, which {@code lookup}, {@code explain} and the recipient API show.
 */
final class EncryptionKeyRules {
    static final int MIN_RSA_BITS = 2048;
    private static final Map<ASN1ObjectIdentifier, String> CURVES =
            Map.of(
                    SECObjectIdentifiers.secp256r1, "P-256",
                    SECObjectIdentifiers.secp384r1, "P-384",
                    SECObjectIdentifiers.secp521r1, "P-521");

    private EncryptionKeyRules() {}

    /** Why {@code cert} may not be encrypted to, or null. */
    static String problem(X509Certificate cert, boolean allowSha1) {
        if (cert.getBasicConstraints() >= 0) {
            return "a CA certificate (basicConstraints CA:TRUE), not an end entity's";
        }
        String key = keyProblem(cert.getPublicKey());
        if (key != null) {
            return key;
        }
        String algorithm = cert.getSigAlgName().toUpperCase(Locale.ROOT);
        if (algorithm.contains("MD5") || algorithm.contains("MD2")) {
            return "signed with " + cert.getSigAlgName();
        }
        if (!allowSha1 && (algorithm.startsWith("SHA1") || algorithm.contains("SHA-1"))) {
            return "signed with "
                    + cert.getSigAlgName()
                    + " (SHA-1; certificates.allow-sha1-signatures is false)";
        }
        return null;
    }

    private static String keyProblem(PublicKey key) {
        if (key instanceof RSAPublicKey rsa) {
            int bits = rsa.getModulus().bitLength();
            return bits < MIN_RSA_BITS
                    ? "RSA key of " + bits + " bits (at least " + MIN_RSA_BITS + " needed)"
                    : null;
        }
        if (key instanceof ECPublicKey ec) {
            return CURVES.containsValue(curve(ec))
                    ? null
                    : "EC key on " + curve(ec) + " (P-256, P-384 or P-521 needed)";
        }
        return "a " + key.getAlgorithm() + " key (RSA or EC needed)";
    }

    /** The NIST name of the key's curve, found by its parameters; "an unnamed curve" otherwise. */
    private static String curve(ECPublicKey key) {
        for (var entry : CURVES.entrySet()) {
            X9ECParameters named = ECNamedCurveTable.getByOID(entry.getKey());
            if (named.getN().equals(key.getParams().getOrder())
                    && named.getG()
                            .getAffineXCoord()
                            .toBigInteger()
                            .equals(key.getParams().getGenerator().getAffineX())) {
                return entry.getValue();
            }
        }
        return "a curve of " + key.getParams().getOrder().bitLength() + " bits";
    }
}
