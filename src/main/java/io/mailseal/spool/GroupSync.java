package io.mailseal.spool;

import java.io.IOException;

/**
 * Group commit of directory entries: a writer that has renamed its file into the queue
 * waits here until some directory fsync that began after its rename has completed. While
 * one fsync runs, every writer that arrives meanwhile is covered by the next single fsync,
 * so concurrent sessions share one flush instead of queueing behind one each (the file
 * data itself is fsync'd by each writer in parallel, which the file system's journal
 * batches in the same way).
 */
final class GroupSync {
    /** The flush itself (a directory fsync); a parameter so a test can hold it. */
    interface Flush {
        void run() throws IOException;
    }

    private final Flush flush;
    private long requested;
    private long completed;
    private boolean flushing;
    private long failedUpTo;
    private IOException failure;
    private long flushes;

    GroupSync(Flush flush) {
        this.flush = flush;
    }

    /** Returns once everything this thread did before the call is durable. */
    void awaitDurable() throws IOException {
        long ticket;
        synchronized (this) {
            ticket = ++requested;
        }
        while (true) {
            long upTo;
            synchronized (this) {
                while (true) {
                    if (completed >= ticket) {
                        return;
                    }
                    if (failedUpTo >= ticket) {
                        throw new IOException("spool directory fsync failed: " + failure.getMessage(), failure);
                    }
                    if (!flushing) {
                        break;
                    }
                    waitForFlush();
                }
                flushing = true;
                upTo = requested;
            }
            IOException error = new IOException("flush did not complete");
            try {
                flush.run();
                error = null;
            } catch (IOException e) {
                error = e;
            } catch (RuntimeException | Error e) {
                error = new IOException("directory fsync failed: " + e, e);
                throw e;
            } finally {
                // whatever happened, the waiters must hear: a flag left set would hang every writer
                synchronized (this) {
                    flushing = false;
                    flushes++;
                    if (error == null) {
                        completed = upTo;
                    } else {
                        failure = error;
                        failedUpTo = upTo;
                    }
                    notifyAll();
                }
            }
        }
    }

    private void waitForFlush() throws IOException {
        try {
            wait();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for the spool fsync", e);
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
