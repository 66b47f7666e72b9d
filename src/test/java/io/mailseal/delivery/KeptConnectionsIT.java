package io.mailseal.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailseal.config.DeliveryConfig.TlsLevel;
import io.mailseal.testing.MutableClock;
import jakarta.mail.Session;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Closing kept connections against a real next hop that never answers QUIT: neither the idle check
 * nor shutdown may wait on it for {@code delivery.timeout}, one after another.
 */
class KeptConnectionsIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private final SilentAtQuit hop = new SilentAtQuit();
    private final MutableClock time = new MutableClock(Instant.parse("2026-11-25T08:00:00Z"));
    private final FailingOnceClock clock = new FailingOnceClock(time);
    private final KeptConnections kept = new KeptConnections(2, clock);

    @AfterEach
    void stop() throws IOException {
        kept.close();
        hop.close();
    }

    private void keepTwo() throws Exception {
        for (int i = 0; i < 2; i++) {
            kept.keep(hop.nextHop(), HopTransport.connect(hop.session(), true));
        }
    }

    @Test
    void idleConnectionsToAHopSilentAtQuitAreClosedTogether() throws Exception {
        keepTwo();
        time.advance(KeptConnections.IDLE_LIMIT.plusSeconds(1));
        assertThat(hop.quits(2, Duration.ofSeconds(5)))
                .as("both QUITs, not one per " + TIMEOUT)
                .isTrue();
    }

    @Test
    void shutdownWaitsForTheQuitRepliesOnlyBriefly() throws Exception {
        keepTwo();
        long start = System.nanoTime();
        kept.close();
        assertThat(Duration.ofNanos(System.nanoTime() - start))
                .isLessThan(KeptConnections.QUIT_GRACE.plusSeconds(2));
        assertThat(hop.quits(2, Duration.ofSeconds(5))).isTrue();
    }

    @Test
    void theIdleCheckGoesOnAfterItFailedOnce() throws Exception {
        clock.failNext();
        assertThat(clock.failed.await(5, TimeUnit.SECONDS))
                .as("the idle check read the clock")
                .isTrue();
        kept.keep(hop.nextHop(), HopTransport.connect(hop.session(), true));
        time.advance(KeptConnections.IDLE_LIMIT.plusSeconds(1));
        assertThat(hop.quits(1, Duration.ofSeconds(5))).as("closed by a later check").isTrue();
    }

    /** Reads {@code time}; the first reading after {@link #failNext()} throws, as a bug would. */
    private static final class FailingOnceClock extends Clock {
        private final Clock time;
        private final AtomicBoolean failNext = new AtomicBoolean();
        final CountDownLatch failed = new CountDownLatch(1);

        FailingOnceClock(Clock time) {
            this.time = time;
        }

        void failNext() {
            failNext.set(true);
        }

        @Override
        public Instant instant() {
            if (failNext.getAndSet(false)) {
                failed.countDown();
                throw new IllegalStateException("clock broken once");
            }
            return time.instant();
        }

        @Override
        public ZoneId getZone() {
            return time.getZone();
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException("UTC only");
        }
    }

    /** A next hop on loopback that greets, answers EHLO and NOOP, and never answers QUIT. */
    private static final class SilentAtQuit implements AutoCloseable {
        private final ServerSocket server;
        private final List<Socket> clients = new CopyOnWriteArrayList<>();
        private int quits;

        SilentAtQuit() {
            try {
                server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            Thread t = new Thread(this::accept, "silent-at-quit");
            t.setDaemon(true);
            t.start();
        }

        HopAtLevel nextHop() {
            return new HopAtLevel(
                    new NextHop("127.0.0.1", "127.0.0.1", server.getLocalPort()), TlsLevel.NONE);
        }

        Session session() {
            Properties p = new Properties();
            p.put("mail.smtp.host", "127.0.0.1");
            p.put("mail.smtp.port", Integer.toString(server.getLocalPort()));
            p.put("mail.smtp.timeout", Long.toString(TIMEOUT.toMillis()));
            return Session.getInstance(p);
        }

        private void accept() {
            try {
                while (true) {
                    Socket s = server.accept();
                    clients.add(s);
                    Thread t = new Thread(() -> converse(s), "silent-at-quit-session");
                    t.setDaemon(true);
                    t.start();
                }
            } catch (IOException e) {
                // closed
            }
        }

        private void converse(Socket s) {
            try (BufferedReader in =
                    new BufferedReader(
                            new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII))) {
                Writer out = new OutputStreamWriter(s.getOutputStream(), StandardCharsets.US_ASCII);
                out.write("220 hop.test ESMTP\r\n");
                out.flush();
                for (String line; (line = in.readLine()) != null; ) {
                    if (line.equalsIgnoreCase("QUIT")) {
                        quit();
                    } else {
                        out.write("250 hop.test\r\n");
                        out.flush();
                    }
                }
            } catch (IOException e) {
                // the client is gone
            }
        }

        private synchronized void quit() {
            quits++;
            notifyAll();
        }

        /** Waits until {@code n} QUITs have come; false on timeout. */
        synchronized boolean quits(int n, Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (quits < n) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                wait(Math.max(1, left / 1_000_000));
            }
            return true;
        }

        @Override
        public void close() throws IOException {
            server.close();
            for (Socket s : clients) {
                s.close();
            }
        }
    }
}
