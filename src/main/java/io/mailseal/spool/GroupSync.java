package io.mailseal.spool;

import java.io.IOException;

/**
 * Group commit of directory entries: a writer that has renamed its file into the queue waits here
 * until a directory fsync that began after its rename has completed. While one fsync runs, every
 * writer that arrives meanwhile joins the next batch, which one single fsync covers, so concurrent
 * sessions share one flush instead of queueing behind one each (the file data itself is fsync'd by
 * each writer in parallel, which the file system's journal batches in the same way).
 *
 * <p>A failed fsync is final for what it covered: Linux may drop the dirty state it could not
 * write, so a later fsync that succeeds proves nothing about it. Every writer of a failed batch
 * fails, and so does every writer whose change was made before a failure was reported ({@link
 * #epoch()} taken before the change) — its entry may have been part of what was dropped.
 */
public final class GroupSync {
    /**
     * The flush itself (a directory or file fsync); a parameter so a test can hold it or make it
     * fail.
     */
    public interface Flush {
        void run() throws IOException;
    }

    /**
     * The writers one flush covers; each learns that flush's outcome, whatever happens after it.
     */
    private static final class Batch {
        private boolean done;
        private IOException failure;
        private long failuresBefore;
    }

    private final Flush flush;
    private final String what;
    private Batch open = new Batch();
    private boolean flushing;
    private long failures;
    private long requested;
    private long flushes;

    /**
     * @param what what the flush makes durable, for the failure messages ("spool directory")
     */
    public GroupSync(Flush flush, String what) {
        this.flush = flush;
        this.what = what;
    }

    /** To be taken before changing the directory and handed to {@link #awaitDurable(long)}. */
    public synchronized long epoch() {
        return failures;
    }

    /**
     * Returns once the changes made since {@code epoch} are durable; throws if the flush that
     * covered them failed, if an fsync failed after they were made, or if interrupted.
     */
    public void awaitDurable(long epoch) throws IOException {
        Batch batch;
        synchronized (this) {
            requested++;
            batch = open;
            while (flushing && !batch.done) {
                waitForFlush();
            }
            if (batch.done) {
                outcome(batch, epoch);
                return;
            }
            // nobody is flushing and this batch has not been flushed: this thread flushes it
            flushing = true;
            open = new Batch();
            batch.failuresBefore = failures;
        }
        IOException error = new IOException(what + " fsync did not complete");
        try {
            flush.run();
            error = null;
        } catch (IOException e) {
            error = e; // an interrupted fsync (ClosedByInterruptException) fails its batch too
        } catch (RuntimeException e) {
            error = new IOException(what + " fsync failed: " + e, e);
        } finally {
            // whatever happened, the waiters must hear: a flag left set would hang every writer
            synchronized (this) {
                flushing = false;
                flushes++;
                batch.done = true;
                batch.failure = error;
                if (error != null) {
                    failures++;
                }
                notifyAll();
            }
        }
        outcome(batch, epoch);
    }

    private void outcome(Batch batch, long epoch) throws IOException {
        if (batch.failure != null) {
            throw new IOException(
                    what + " fsync failed: " + batch.failure.getMessage(), batch.failure);
        }
        if (batch.failuresBefore > epoch) {
            throw new IOException(
                    "a " + what + " fsync failed after this change was made; it may be lost");
        }
    }

    private void waitForFlush() throws IOException {
        try {
            wait();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for the " + what + " fsync", e);
        }
    }

    synchronized long requested() {
        return requested;
    }

    /** How many flushes ran (for metrics and tests): fewer than writers under concurrency. */
    synchronized long flushes() {
        return flushes;
    }
}
