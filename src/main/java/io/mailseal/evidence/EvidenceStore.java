package io.mailseal.evidence;

import java.io.IOException;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;

/**
 * Where journal entries are kept: the embedded {@link DailyFiles} now, PostgreSQL for several nodes
 * later (DESIGN.md "Scale beyond one machine"). The chain is the {@link Journal}'s: a store keeps
 * entries in position order and makes them durable, nothing more. {@link #append} is called by one
 * writer at a time, in position order; {@link #awaitDurable} by many at once, which is where a
 * store commits them as a group.
 */
public interface EvidenceStore extends AutoCloseable {

    /**
     * One record: its position in the chain (-1 when read back from text that no longer says it),
     * the UTC day it belongs to and its exact text.
     */
    record Entry(long position, LocalDate day, String text) {}

    /**
     * The entry with the highest position, to continue the chain from; empty when new. In a
     * {@linkplain #resumable() resumable} store, also what the journal reads after a failed write:
     * what is really stored decides, and appends are taken again.
     */
    Optional<Entry> last() throws IOException;

    /**
     * Whether the journal may go on after a failed {@link #append} or {@link #awaitDurable} by
     * reading {@link #last()} again: true where what a failure leaves behind is whole records or
     * none (a database's commits). False for files, where a torn write may be followed by more
     * records: the journal then refuses every write until a restart cuts the torn line.
     */
    default boolean resumable() {
        return false;
    }

    /**
     * Writes the entries after every entry so far; not yet durable. Returns the token for {@link
     * #awaitDurable}.
     */
    long append(List<Entry> entries) throws IOException;

    /** Returns once everything appended before {@code token} was handed out is durable. */
    void awaitDurable(long token) throws IOException;

    /** The entries of {@code day} as they are kept, in the order written. */
    List<Entry> read(LocalDate day) throws IOException;

    /** The days that hold entries, oldest first. */
    List<LocalDate> days() throws IOException;

    /** Removes every entry of {@code day}. */
    void drop(LocalDate day) throws IOException;

    @Override
    void close() throws IOException;
}
