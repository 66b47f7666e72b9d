package io.mailseal.crypto;

import io.mailseal.config.CryptoConfig;
import io.mailseal.config.CryptoConfig.ContentEncryptionChoice;
import io.mailseal.config.CryptoConfig.KeyTransportChoice;

/**
 * Picks, per recipient, algorithms its mail client can open (DESIGN.md): AES-GCM and
 * RSA-OAEP only where the recipient is known to read them ({@code crypto.overrides} now,
 * harvested SMIMECapabilities later), else AES-256-CBC and RSA PKCS#1 v1.5 — Outlook
 * cannot open AuthEnvelopedData and many smart cards do only PKCS#1 v1.5, and a code the
 * customer cannot read is a failed code. EC recipients always use ECDH (RFC 8551 §2.7).
 */
public final class AlgorithmChoice {
    private final CryptoConfig config;

    public AlgorithmChoice(CryptoConfig config) {
        this.config = config;
    }

    public record Choice(ContentEncryption contentEncryption, KeyTransport keyTransport) {
    }

    public Choice forRecipient(String address) {
        ContentEncryptionChoice content = config.contentEncryption();
        KeyTransportChoice transport = config.keyTransport();
        for (CryptoConfig.Override o : config.overrides()) {
            if (o.pattern().matcher(address).matches()) {
                content = o.contentEncryption();
                transport = o.keyTransport();
                break;
            }
        }
        return new Choice(content(content), transport(transport));
    }

    private static ContentEncryption content(ContentEncryptionChoice c) {
        return switch (c) {
            case AUTO, AES_256_CBC -> ContentEncryption.AES_256_CBC;
            case AES_256_GCM -> ContentEncryption.AES_256_GCM;
            case AES_128_GCM -> ContentEncryption.AES_128_GCM;
        };
    }

    private static KeyTransport transport(KeyTransportChoice c) {
        return switch (c) {
            case AUTO, RSA_PKCS1 -> KeyTransport.RSA_PKCS1;
            case RSA_OAEP -> KeyTransport.RSA_OAEP;
        };
    }
}
