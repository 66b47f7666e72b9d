package io.mailseal.config;

import io.mailseal.config.IdentityConfig.KeySource;
import io.mailseal.config.IdentityConfig.PasswordSource;
import io.mailseal.config.IdentityConfig.RsaSignature;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Reads one {@code mailseal.identities[i]}: the address or domain, and its key either inline
 * ({@code keystore} or {@code pkcs11}) or as a list {@code keys} (rotation: the newest valid
 * certificate signs).
 */
final class IdentityConfigReader {
    private IdentityConfigReader() {}

    static IdentityConfig read(ConfigSection s) {
        Optional<String> address = s.optionalString("address");
        Optional<String> domain = s.optionalString("domain");
        if (address.isPresent() == domain.isPresent()) {
            s.problem("address", "give exactly one of address or domain");
        }
        address.filter(a -> !a.matches("[^@\\s]+@[^@\\s]+"))
                .ifPresent(a -> s.problem("address", s.value("address"), "is not a mail address"));
        List<KeySource> keys;
        if (s.has("keys")) {
            if (s.has("keystore") || s.has("pkcs11")) {
                s.problem("keys", "give keys, or keystore/pkcs11 inline, not both");
            }
            keys = s.sections("keys", IdentityConfigReader::key);
            if (keys.isEmpty()) {
                s.problem("keys", "is empty");
            }
        } else {
            keys = List.of(key(s));
        }
        return new IdentityConfig(
                s.path(),
                address.map(String::toLowerCase),
                domain.map(String::toLowerCase),
                keys,
                rsaSignature(s));
    }

    private static KeySource key(ConfigSection s) {
        if (s.has("pkcs11")) {
            if (s.has("keystore")) {
                s.problem("keystore", "give exactly one of keystore or pkcs11");
            }
            return tokenKey(s);
        }
        Path keystore = s.path("keystore", null);
        if (keystore == null) {
            s.problem("keystore", "is missing (a PKCS#12 file, or pkcs11 { ... } for a token)");
        }
        return new IdentityConfig.Keystore(
                s.key("keystore"),
                keystore,
                SecretKeys.required(s, "password-env", "password-file"));
    }

    private static KeySource tokenKey(ConfigSection s) {
        Optional<Path> certificate = s.optionalPath("certificate");
        ConfigSection p = s.section("pkcs11");
        Path library = p.path("library", null);
        if (library == null) {
            p.problem("library", "is missing (the token vendor's PKCS#11 library, a .so file)");
        }
        String tokenLabel = p.string("token-label", "");
        if (tokenLabel.isBlank()) {
            p.problem("token-label", "is missing (the label of the token, not a slot number)");
        }
        String keyLabel = p.string("key-label", "");
        if (keyLabel.isBlank()) {
            p.problem("key-label", "is missing (the label of the key's certificate on the token)");
        }
        PasswordSource pin = SecretKeys.required(p, "pin-env", "pin-file");
        p.finish();
        return new IdentityConfig.TokenKey(
                s.path(),
                new IdentityConfig.Pkcs11(library, tokenLabel, pin),
                keyLabel,
                certificate);
    }

    private static RsaSignature rsaSignature(ConfigSection s) {
        String value = s.string("rsa-signature", "pkcs1");
        return switch (value) {
            case "pkcs1" -> RsaSignature.PKCS1;
            case "pss" -> RsaSignature.PSS;
            default -> {
                s.problem("rsa-signature", s.value("rsa-signature"), "is not pkcs1 or pss");
                yield RsaSignature.PKCS1;
            }
        };
    }
}
