package io.mailseal.bench;

import java.net.InetAddress;
import java.time.Duration;
import org.subethamail.smtp.server.SMTPServer;

/**
 * The relays' next hop for the benchmark: an SMTP server on loopback that reads each message and
 * only counts it (a capture sink would keep every message in memory).
 */
final class CountingSink implements AutoCloseable {
    private final SMTPServer server;
    private long count;

    CountingSink() {
        server =
                SMTPServer.port(0)
                        .bindAddress(InetAddress.getLoopbackAddress())
                        .hostName("sink.bench.invalid")
                        .insertReceivedHeaders(false)
                        .messageHandler((context, from, to, data) -> arrived())
                        .build();
        server.start();
    }

    int port() {
        return server.getPortAllocated();
    }

    synchronized long count() {
        return count;
    }

    /**
     * Waits until {@code n} messages arrived in all; false when the count stopped moving for {@code
     * stall} before that.
     */
    synchronized boolean await(long n, Duration stall) throws InterruptedException {
        long seen = count;
        long deadline = System.nanoTime() + stall.toNanos();
        while (count < n) {
            if (count != seen) {
                seen = count;
                deadline = System.nanoTime() + stall.toNanos();
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            wait(Math.max(1, left / 1_000_000));
        }
        return true;
    }

    private synchronized void arrived() {
        count++;
        notifyAll();
    }

    @Override
    public void close() {
        server.stop();
    }
}
