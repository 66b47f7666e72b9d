package io.mailseal.crypto;

import org.bouncycastle.tsp.TimeStampToken;

/** Where RFC 3161 tokens come from; the network client lives in {@code tsa/}. */
@FunctionalInterface
public interface TimestampAuthority {

    /** A verified token over SHA-256({@code data}), or why none could be had. */
    TimeStampToken stamp(byte[] data) throws TimestampUnavailableException;
}
