package io.mailseal.certs;

/**
 * A PKCS#11 library, token or key that cannot be used. {@code field} is the relay.conf key under
 * {@code pkcs11} (or beside it) the problem is about, e.g. {@code token-label}; the message never
 * holds the PIN.
 */
final class TokenException extends Exception {
    private static final long serialVersionUID = 1L;

    private final String field;

    TokenException(String field, String message) {
        super(message);
        this.field = field;
    }

    String field() {
        return field;
    }
}
