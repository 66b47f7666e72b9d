package io.mailseal.crypto;

import jakarta.mail.util.SharedByteArrayInputStream;
import java.io.ByteArrayOutputStream;

/**
 * Bytes written once and read where they were written: as a shared stream, from which Jakarta Mail
 * keeps a part's content as a view instead of copying it, or as the array itself when it was sized
 * exactly. Not written to once read.
 */
final class OpenBuffer extends ByteArrayOutputStream {

    /** Room for {@code expected} bytes (at most what an array can hold). */
    OpenBuffer(long expected) {
        super((int) Math.min(Math.max(expected, 32), Integer.MAX_VALUE - 8));
    }

    SharedByteArrayInputStream stream() {
        return new SharedByteArrayInputStream(buf, 0, count);
    }

    /** The bytes written: the buffer itself when they fill it exactly, else one copy of them. */
    byte[] bytes() {
        return count == buf.length ? buf : toByteArray();
    }

    /** The buffer as it is (valid up to {@link #size()}), to scan without a copy. */
    byte[] array() {
        return buf;
    }
}
