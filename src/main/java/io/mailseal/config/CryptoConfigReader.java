package io.mailseal.config;

import io.mailseal.config.CryptoConfig.ContentEncryptionChoice;
import io.mailseal.config.CryptoConfig.KeyTransportChoice;
import java.util.List;

/** Reads {@code crypto { ... }}. */
final class CryptoConfigReader {
    private CryptoConfigReader() {}

    static CryptoConfig read(ConfigSection s) {
        String digest = s.string("digest", "sha256");
        if (!digest.equals("sha256")) {
            // SHA-256 is what every S/MIME client reads (RFC 8551 §2.1); nothing else is offered
            // yet
            s.problem("digest", s.value("digest"), "is not supported (sha256)");
        }
        ContentEncryptionChoice content =
                s.choice("content-encryption", ContentEncryptionChoice.AUTO);
        KeyTransportChoice keyTransport = s.choice("key-transport", KeyTransportChoice.AUTO);
        List<CryptoConfig.Override> overrides =
                s.sections(
                        "overrides",
                        o -> {
                            String to = o.string("to", null);
                            if (to == null) {
                                o.problem(
                                        "to",
                                        "is missing (an address or glob such as *@modern.example)");
                                to = "";
                            }
                            return new CryptoConfig.Override(
                                    to,
                                    TextPatterns.glob(to).pattern(),
                                    o.choice("content-encryption", content),
                                    o.choice("key-transport", keyTransport));
                        });
        s.finish();
        return new CryptoConfig(content, keyTransport, overrides);
    }
}
