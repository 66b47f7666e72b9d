package io.mailseal.config;

import java.util.List;
import java.util.regex.Pattern;

/** {@code crypto { ... }}: algorithm choices, per recipient where overridden. */
public record CryptoConfig(
        ContentEncryptionChoice contentEncryption,
        KeyTransportChoice keyTransport,
        List<Override> overrides) {

    public enum ContentEncryptionChoice {
        AUTO,
        AES_256_GCM,
        AES_128_GCM,
        AES_256_CBC
    }

    public enum KeyTransportChoice {
        AUTO,
        RSA_OAEP,
        RSA_OAEP_SHA1,
        RSA_PKCS1
    }

    /** Algorithms for recipients matching {@code to}: clients known to read them. */
    public record Override(
            String to,
            Pattern pattern,
            ContentEncryptionChoice contentEncryption,
            KeyTransportChoice keyTransport) {}
}
