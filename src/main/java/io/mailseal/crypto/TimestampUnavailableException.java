package io.mailseal.crypto;

/** No configured authority produced a valid timestamp; the reason lists each one's failure. */
public final class TimestampUnavailableException extends Exception {
    private static final long serialVersionUID = 1L;

    public TimestampUnavailableException(String reason) {
        super(reason);
    }
}
