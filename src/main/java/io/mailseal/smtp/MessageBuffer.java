package io.mailseal.smtp;

import java.util.ArrayList;
import java.util.List;

/**
 * One message's content while DATA is read, in chunks reserved from the {@link MemoryBudget} before
 * they are allocated: no chunk is ever copied while the content grows (a growing array holds the
 * old and the new copy at once). {@link #content} hands the bytes on as one exactly sized array,
 * dropping each chunk as soon as it is copied; the reservation stays until {@link #release}, which
 * the transaction calls once the sink has answered.
 */
final class MessageBuffer implements AutoCloseable {
    static final int CHUNK = 64 * 1024;
    private final MemoryBudget budget;
    private final List<byte[]> chunks = new ArrayList<>();
    private long reserved;
    private int length;
    private int filled = CHUNK; // bytes used in the last chunk

    MessageBuffer(MemoryBudget budget) {
        this.budget = budget;
    }

    /** Appends {@code n} bytes of {@code b}; false when the budget has no room for them. */
    boolean append(byte[] b, int off, int n) {
        int done = 0;
        while (done < n) {
            if (filled == CHUNK) {
                if (!budget.tryReserve(CHUNK)) {
                    return false;
                }
                reserved += CHUNK;
                chunks.add(new byte[CHUNK]);
                filled = 0;
            }
            int take = Math.min(n - done, CHUNK - filled);
            System.arraycopy(b, off + done, chunks.get(chunks.size() - 1), filled, take);
            filled += take;
            done += take;
            length += take;
        }
        return true;
    }

    int length() {
        return length;
    }

    /** The content as one array of exactly {@link #length} bytes; the chunks are let go. */
    byte[] content() {
        byte[] all = new byte[length];
        int at = 0;
        for (int i = 0; i < chunks.size(); i++) {
            byte[] chunk = chunks.set(i, null);
            int n = Math.min(CHUNK, length - at);
            System.arraycopy(chunk, 0, all, at, n);
            at += n;
        }
        chunks.clear();
        return all;
    }

    /** Gives the reservation back; idempotent. */
    @Override
    public void close() {
        budget.release(reserved);
        reserved = 0;
        chunks.clear();
    }
}
