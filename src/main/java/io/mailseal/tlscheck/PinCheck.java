package io.mailseal.tlscheck;

import java.io.IOException;
import java.net.InetAddress;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Pins, as apps pin: the SHA-256 of some path certificate's SubjectPublicKeyInfo must be one of the
 * {@code sha256/BASE64} pins (RFC 7469 §2.4), and the host must resolve to no address but the
 * expected ones (DNS pinning).
 */
final class PinCheck {
    private PinCheck() {}

    /** {@code sha256/} and the base64 of 32 octets, or an exception naming the value. */
    static String validPin(String pin) {
        byte[] digest = null;
        if (pin.startsWith("sha256/")) {
            try {
                digest = Base64.getDecoder().decode(pin.substring(7));
            } catch (IllegalArgumentException e) {
                digest = null;
            }
        }
        if (digest == null || digest.length != 32) {
            throw new IllegalArgumentException(
                    "pin \"" + pin + "\" is not sha256/ and the base64 of a SHA-256 digest");
        }
        return pin;
    }

    static String pin(X509Certificate c) {
        try {
            return "sha256/"
                    + Base64.getEncoder()
                            .encodeToString(
                                    MessageDigest.getInstance("SHA-256")
                                            .digest(c.getPublicKey().getEncoded()));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    static Finding check(
            List<X509Certificate> path,
            List<String> pins,
            String host,
            List<String> expected,
            Duration timeout) {
        Finding.Builder f = new Finding.Builder("pins");
        if (!pins.isEmpty()) {
            List<String> actual = path.stream().map(PinCheck::pin).toList();
            f.note("path pins: " + actual);
            if (actual.stream().noneMatch(pins::contains)) {
                f.problem(Severity.FAIL, "no certificate of the path matches a pin " + pins);
            }
        }
        if (!expected.isEmpty()) {
            try {
                List<String> unexpected = new ArrayList<>();
                List<InetAddress> allowed = new ArrayList<>();
                for (String e : expected) {
                    allowed.add(InetAddress.getByName(e));
                }
                for (InetAddress a : Addresses.resolve(host, timeout)) {
                    f.note(host + " resolves to " + a.getHostAddress());
                    if (!allowed.contains(a)) {
                        unexpected.add(a.getHostAddress());
                    }
                }
                if (!unexpected.isEmpty()) {
                    f.problem(
                            Severity.FAIL,
                            host + " resolves to " + unexpected + ", not in " + expected);
                }
            } catch (IOException e) {
                f.problem(Severity.FAIL, "DNS pin not checked: " + e.getMessage());
            }
        }
        return f.build("pins match");
    }
}
