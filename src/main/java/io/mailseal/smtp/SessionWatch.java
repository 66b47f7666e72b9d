package io.mailseal.smtp;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.subethamail.smtp.server.Session;

/**
 * Closes the connections of clients that do not keep pace ({@link PeerPace}). SubEthaSMTP reads
 * command lines itself with only a per-read socket timeout, so one byte a second keeps a command
 * open for ever; this watchdog looks at every session once a second and cuts the overdue ones with
 * {@code 421 4.4.2}. The intake counts as under stress while more than 80 % of {@code
 * smtp.max-connections} are open (Postfix's stress adaptation).
 *
 * <p>The reply is written and the connection closed on a separate thread, so a client that does not
 * read cannot stall the watchdog; if that write hangs, the socket is closed under it two seconds
 * later.
 */
final class SessionWatch implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SessionWatch.class);
    private static final long FORCE_CLOSE_NANOS = TimeUnit.SECONDS.toNanos(2);

    private final Map<Session, Watched> sessions = new ConcurrentHashMap<>();
    private final LongSupplier ticker;
    private final IntSupplier openConnections;
    private final int maxConnections;
    private final java.time.Duration commandDeadline;
    private final long minDataRate;
    private final AtomicLong cuts = new AtomicLong();
    private final ScheduledExecutorService timer =
            Executors.newSingleThreadScheduledExecutor(daemon("mailseal-intake-watch"));
    private final ExecutorService closer = Executors.newCachedThreadPool(daemon("mailseal-cut"));

    private static final class Watched {
        final PeerPace pace;
        final Socket socket; // the plain one, also under TLS
        final String client;
        volatile long cutAt = -1;

        Watched(PeerPace pace, Socket socket, String client) {
            this.pace = pace;
            this.socket = socket;
            this.client = client;
        }
    }

    SessionWatch(
            java.time.Duration commandDeadline,
            long minDataRate,
            int maxConnections,
            IntSupplier openConnections,
            LongSupplier ticker) {
        this.commandDeadline = commandDeadline;
        this.minDataRate = minDataRate;
        this.maxConnections = maxConnections;
        this.openConnections = openConnections;
        this.ticker = ticker;
    }

    SessionWatch start() {
        timer.scheduleWithFixedDelay(this::tick, 1, 1, TimeUnit.SECONDS);
        return this;
    }

    void opened(Session session) {
        sessions.put(
                session,
                new Watched(
                        new PeerPace(commandDeadline, minDataRate, ticker.getAsLong()),
                        session.getSocket(),
                        session.getRemoteAddress().getAddress().getHostAddress()));
    }

    void ended(Session session) {
        sessions.remove(session);
    }

    /** The intake works on a command of {@code session}; false once the client was cut. */
    boolean busy(Session session) {
        return pace(session).map(p -> p.busy(ticker.getAsLong())).orElse(true);
    }

    void awaitCommand(Session session) {
        pace(session).ifPresent(p -> p.awaitCommand(ticker.getAsLong()));
    }

    /**
     * {@code data}, with every byte read counted for the session's data rate. SubEthaSMTP's DATA
     * stream fills a read buffer byte by byte before it returns, so a read asks it only for what
     * the connection has already received (at least one byte): progress is seen as it arrives.
     */
    InputStream receiveData(Session session, InputStream data) {
        InputStream raw = session.getRawInput();
        Optional<PeerPace> pace = pace(session);
        if (pace.isEmpty()) {
            return data;
        }
        PeerPace p = pace.get();
        p.receiveData(ticker.getAsLong());
        return new FilterInputStream(data) {
            @Override
            public int read() throws IOException {
                int b = super.read();
                p.received(b < 0 ? 0 : 1, ticker.getAsLong());
                return b;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int ask = len == 0 ? 0 : Math.max(1, Math.min(len, raw.available()));
                int n = super.read(b, off, ask);
                p.received(n, ticker.getAsLong());
                return n;
            }
        };
    }

    /** Connections closed for not keeping pace since start. */
    long cuts() {
        return cuts.get();
    }

    void tick() {
        long now = ticker.getAsLong();
        boolean stressed = openConnections.getAsInt() * 5L > maxConnections * 4L;
        sessions.forEach(
                (session, w) -> {
                    if (w.cutAt >= 0) {
                        if (now - w.cutAt > FORCE_CLOSE_NANOS) {
                            closeQuietly(w.socket);
                        }
                        return;
                    }
                    w.pace.overdue(now, stressed).ifPresent(why -> cut(session, w, why, now));
                });
    }

    private void cut(Session session, Watched w, String why, long now) {
        w.cutAt = now;
        cuts.incrementAndGet();
        log.warn("closing connection from {}: {}", w.client, why);
        closer.execute(
                () -> {
                    try {
                        session.sendResponse(SmtpReply.TOO_SLOW.line(why));
                    } catch (IOException | RuntimeException e) {
                        // the client is gone or does not read; closed below all the same
                    }
                    session.quit();
                });
    }

    private Optional<PeerPace> pace(Session session) {
        return Optional.ofNullable(sessions.get(session)).map(w -> w.pace);
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // closing is all that was left to do
        }
    }

    private static ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    @Override
    public void close() {
        timer.shutdownNow();
        closer.shutdownNow();
    }
}
