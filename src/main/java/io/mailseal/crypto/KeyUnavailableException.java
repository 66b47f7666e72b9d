package io.mailseal.crypto;

/**
 * A signing key that cannot be used now (its token is absent, logged out, or failed the operation):
 * our fault and temporary, so the message is deferred (451), never sent unsigned.
 */
public final class KeyUnavailableException extends Exception {
    private static final long serialVersionUID = 1L;

    public KeyUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * Where an interface cannot declare it (opening customers' mail): never turned into a verdict.
     */
    public static final class Unchecked extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public Unchecked(KeyUnavailableException cause) {
            super(cause.getMessage(), cause);
        }
    }
}
