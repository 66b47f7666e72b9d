package io.mailseal.evidence;

import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * What happened to a message for one recipient, as a journal record will hold it. Only the fields
 * named in {@link #FIELDS} exist: there is no field for a body, a Subject or a hash of the
 * plaintext, so no caller can journal one by mistake. {@code sha256} is of the exact bytes that
 * left (for sealed mail ciphertext, for signed mail the signed entity with its signature), which a
 * customer or court holding the delivered message can recompute.
 */
public record Outcome(Map<String, String> fields) {
    /** accepted, delivered, deferred, bounced, expired, refused. */
    public static final String OUTCOME = "outcome";

    public static final Set<String> FIELDS =
            Set.of(
                    OUTCOME,
                    "queue_id",
                    "message_id",
                    "from",
                    "to",
                    "policy",
                    "treatment",
                    "expires",
                    "sha256",
                    "signer",
                    "recipient_cert",
                    "signature_sha256",
                    "token",
                    "next_hop",
                    "reply",
                    "tls",
                    "smime");

    public Outcome {
        for (String key : fields.keySet()) {
            if (!FIELDS.contains(key)) {
                throw new IllegalArgumentException("no evidence field " + key);
            }
        }
        fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
    }

    public static Outcome of(String outcome) {
        return new Outcome(Map.of(OUTCOME, outcome));
    }

    /** {@code key} set to the SHA-256 fingerprint (lowercase hex, of the DER) of {@code c}. */
    public Outcome withFingerprint(String key, X509Certificate c) {
        return with(key, EvidenceCertificates.fingerprint(c));
    }

    /** {@code key} set to {@code data} in lowercase hex (hashes); left out when null. */
    public Outcome withHex(String key, byte[] data) {
        return data == null ? this : with(key, HexFormat.of().formatHex(data));
    }

    /** {@code key} set to {@code der} in base64 (tokens); left out when null. */
    public Outcome withBase64(String key, byte[] der) {
        return der == null ? this : with(key, Base64.getEncoder().encodeToString(der));
    }

    /** This outcome with {@code key} set; a null value leaves it out. */
    public Outcome with(String key, String value) {
        Map<String, String> more = new LinkedHashMap<>(fields);
        if (value != null) {
            more.put(key, value);
        }
        return new Outcome(more);
    }
}
