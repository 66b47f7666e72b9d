package io.mailseal.tlscheck;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One TCP connection to the server under test, after SMTP STARTTLS when asked, within a total
 * deadline: connect, greeting, EHLO, STARTTLS and whatever TLS follows on it; when the deadline
 * passes a watchdog closes the socket, so no slow server holds the check longer.
 */
final class Connection implements AutoCloseable {
    private static final ScheduledExecutorService WATCHDOG =
            Executors.newSingleThreadScheduledExecutor(
                    r -> {
                        Thread t = new Thread(r, "tls-check-deadline");
                        t.setDaemon(true);
                        return t;
                    });

    /** A longer SMTP reply line than RFC 5321 §4.5.3.1.5 allows is not SMTP. */
    private static final int MAX_LINE = 1000;

    private final Socket socket;
    private final ScheduledFuture<?> watchdog;

    private Connection(Socket socket, Duration deadline) {
        this.socket = socket;
        this.watchdog = WATCHDOG.schedule(this::close, deadline.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Connects to {@code address} and, for STARTTLS, leaves the socket ready for a ClientHello. */
    static Connection open(InetAddress address, TlsCheckRequest r) throws IOException {
        Connection c = new Connection(new Socket(), r.timeout());
        try {
            int millis = (int) r.timeout().toMillis();
            c.socket.setSoTimeout(millis);
            c.socket.connect(new InetSocketAddress(address, r.port()), millis);
            if (r.starttls()) {
                c.startTls();
            }
            return c;
        } catch (SocketTimeoutException e) {
            c.close();
            throw new IOException("no answer within " + r.timeout().toSeconds() + " s", e);
        } catch (IOException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    Socket socket() {
        return socket;
    }

    private void startTls() throws IOException {
        expect("greeting", "220");
        send("EHLO mailseal-tls-check\r\n");
        String ehlo = expect("EHLO", "250");
        if (!ehlo.toUpperCase(java.util.Locale.ROOT).matches("(?s).*\\b250[- ]STARTTLS\\b.*")) {
            throw new IOException("the server does not offer STARTTLS in its EHLO reply");
        }
        send("STARTTLS\r\n");
        expect("STARTTLS", "220");
    }

    private void send(String command) throws IOException {
        socket.getOutputStream().write(command.getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
    }

    /** Reads one (multi-line) reply; fails unless its code is {@code code}. */
    private String expect(String what, String code) throws IOException {
        StringBuilder reply = new StringBuilder();
        String line;
        do {
            line = line(socket.getInputStream());
            reply.append(line).append('\n');
        } while (line.length() > 3 && line.charAt(3) == '-');
        if (!line.startsWith(code)) {
            throw new IOException("SMTP " + what + " answered: " + reply.toString().strip());
        }
        return reply.toString();
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) != '\n') {
            if (c < 0) {
                throw new IOException("the server closed the connection during the SMTP dialogue");
            }
            if (b.size() >= MAX_LINE) {
                throw new IOException("an SMTP reply line longer than " + MAX_LINE + " octets");
            }
            b.write(c);
        }
        return b.toString(StandardCharsets.US_ASCII).stripTrailing();
    }

    @Override
    public void close() {
        watchdog.cancel(false);
        try {
            socket.close();
        } catch (IOException e) {
            // closing what may be half-open: nothing left to do
        }
    }
}
