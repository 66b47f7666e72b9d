package io.mailseal.smtp;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;
import org.bouncycastle.crypto.generators.PKCS5S2ParametersGenerator;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * Password hashes of the {@code smtp.auth.users-file}, in the two forms other tools write:
 * PBKDF2-HMAC-SHA256 as Python passlib writes it, {@code $pbkdf2-sha256$<iterations>$<salt>$<hash>}
 * (salt and hash in passlib's "adapted" base64: {@code .} for {@code +}, no padding), and bcrypt
 * {@code $2a$ / $2b$ / $2y$} (OpenBSD, as htpasswd -B writes it). Both carry their own salt and
 * cost.
 */
public final class PasswordHash {
    public static final int DEFAULT_ITERATIONS = 600_000; // OWASP's figure for PBKDF2-HMAC-SHA256
    public static final int DEFAULT_BCRYPT_COST = 12;
    private static final String PBKDF2 = "$pbkdf2-sha256$";
    private static final int MIN_ITERATIONS = 1000;

    private PasswordHash() {}

    /** Whether {@code encoded} is a hash this class can check; the reason when not. */
    static java.util.Optional<String> problem(String encoded) {
        if (encoded.startsWith(PBKDF2)) {
            String[] f = encoded.substring(PBKDF2.length()).split("\\$", -1);
            try {
                if (f.length == 3
                        && Integer.parseInt(f[0]) >= MIN_ITERATIONS
                        && ab64(f[1]).length >= 8
                        && ab64(f[2]).length == 32) {
                    return java.util.Optional.empty();
                }
            } catch (IllegalArgumentException e) {
                // falls through to the reason below
            }
            return java.util.Optional.of(
                    "is not $pbkdf2-sha256$<iterations, at least "
                            + MIN_ITERATIONS
                            + ">$<salt>$<32-byte hash>");
        }
        if (encoded.matches("\\$2[aby]\\$\\d\\d\\$[./A-Za-z0-9]{53}")) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of("is neither $pbkdf2-sha256$... nor bcrypt $2b$...");
    }

    /** Whether {@code password} matches; false for any malformed hash, never an exception. */
    static boolean matches(String encoded, char[] password) {
        if (problem(encoded).isPresent()) {
            return false;
        }
        if (!encoded.startsWith(PBKDF2)) {
            try {
                return OpenBSDBCrypt.checkPassword(encoded, password);
            } catch (IllegalArgumentException e) {
                return false; // e.g. a password bcrypt cannot take (over 72 bytes)
            }
        }
        String[] f = encoded.substring(PBKDF2.length()).split("\\$");
        byte[] expected = ab64(f[2]);
        byte[] actual = pbkdf2(password, ab64(f[1]), Integer.parseInt(f[0]));
        return MessageDigest.isEqual(expected, actual); // constant time
    }

    /** A new PBKDF2-HMAC-SHA256 hash with a random 16-byte salt. */
    public static String pbkdf2(char[] password, int iterations, SecureRandom random) {
        if (iterations < MIN_ITERATIONS) {
            throw new IllegalArgumentException("at least " + MIN_ITERATIONS + " iterations");
        }
        byte[] salt = new byte[16];
        random.nextBytes(salt);
        return PBKDF2
                + iterations
                + "$"
                + toAb64(salt)
                + "$"
                + toAb64(pbkdf2(password, salt, iterations));
    }

    /** A new bcrypt hash ($2b$) with a random salt. */
    public static String bcrypt(char[] password, int cost, SecureRandom random) {
        byte[] salt = new byte[16];
        random.nextBytes(salt);
        return OpenBSDBCrypt.generate("2b", password, salt, cost);
    }

    private static byte[] pbkdf2(char[] password, byte[] salt, int iterations) {
        ByteBuffer utf8 = StandardCharsets.UTF_8.encode(CharBuffer.wrap(password));
        byte[] bytes = Arrays.copyOf(utf8.array(), utf8.limit());
        try {
            PKCS5S2ParametersGenerator generator =
                    new PKCS5S2ParametersGenerator(new SHA256Digest());
            generator.init(bytes, salt, iterations);
            return ((KeyParameter) generator.generateDerivedParameters(256)).getKey();
        } finally {
            Arrays.fill(bytes, (byte) 0);
            Arrays.fill(utf8.array(), (byte) 0);
        }
    }

    private static byte[] ab64(String s) {
        return Base64.getDecoder().decode(s.replace('.', '+'));
    }

    private static String toAb64(byte[] b) {
        return Base64.getEncoder().withoutPadding().encodeToString(b).replace('+', '.');
    }
}
