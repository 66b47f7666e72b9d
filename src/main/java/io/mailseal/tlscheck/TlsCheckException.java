package io.mailseal.tlscheck;

/** The check could not run (no connection, no handshake at all): exit code 2. */
public final class TlsCheckException extends Exception {
    private static final long serialVersionUID = 1L;

    TlsCheckException(String message, Throwable cause) {
        super(message, cause);
    }
}
