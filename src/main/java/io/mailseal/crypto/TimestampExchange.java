package io.mailseal.crypto;

import java.io.IOException;
import java.math.BigInteger;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import org.bouncycastle.tsp.TSPAlgorithms;
import org.bouncycastle.tsp.TSPException;
import org.bouncycastle.tsp.TimeStampRequest;
import org.bouncycastle.tsp.TimeStampRequestGenerator;
import org.bouncycastle.tsp.TimeStampResponse;
import org.bouncycastle.tsp.TimeStampToken;

/**
 * One RFC 3161 request and the check of its reply, without the transport (§2.4): a SHA-256 imprint,
 * a random 64-bit nonce and certReq; the reply must be granted, match imprint and nonce, and carry
 * a token that {@link TimestampVerifier} accepts for {@code data}.
 */
public final class TimestampExchange {
    private final TimeStampRequest request;
    private final byte[] data;

    private TimestampExchange(TimeStampRequest request, byte[] data) {
        this.request = request;
        this.data = data;
    }

    public static TimestampExchange over(byte[] data, SecureRandom random) {
        TimeStampRequestGenerator gen = new TimeStampRequestGenerator();
        gen.setCertReq(true);
        return new TimestampExchange(
                gen.generate(TSPAlgorithms.SHA256, sha256(data), new BigInteger(64, random)), data);
    }

    /** The DER TimeStampReq to send as {@code application/timestamp-query}. */
    public byte[] request() throws IOException {
        return request.getEncoded();
    }

    /**
     * The token in the DER TimeStampResp {@code reply}, checked against the request and {@code
     * verifier}.
     */
    public TimeStampToken token(byte[] reply, TimestampVerifier verifier)
            throws IOException, TSPException {
        TimeStampResponse tsr = new TimeStampResponse(reply);
        // checks status granted, imprint and nonce match, and that a token is present
        tsr.validate(request);
        TimeStampToken token = tsr.getTimeStampToken();
        if (token == null) {
            throw new TSPException("TSA refused: " + tsr.getStatusString());
        }
        verifier.verify(token, data);
        return token;
    }

    private static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is mandatory in every JRE", e);
        }
    }
}
