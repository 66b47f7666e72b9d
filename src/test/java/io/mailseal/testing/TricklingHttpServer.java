package io.mailseal.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stuck peer for tests: an HTTP server on loopback that reads a request, answers its status line
 * and headers at once (so a timeout that stops at the headers is satisfied) and then the body one
 * byte per {@code interval}, for as long as the client listens. Counts requests and the connections
 * the client gave up on.
 */
public final class TricklingHttpServer implements AutoCloseable {
    private final ServerSocket socket;
    private final String contentType;
    private final Duration interval;
    private final ExecutorService threads =
            Executors.newCachedThreadPool(TricklingHttpServer::daemon);
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicInteger abandoned = new AtomicInteger();
    private final CountDownLatch closed = new CountDownLatch(1);

    public TricklingHttpServer(String contentType, Duration interval) throws IOException {
        this.socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.contentType = contentType;
        this.interval = interval;
        threads.execute(this::accept);
    }

    public URI url(String path) {
        return URI.create("http://127.0.0.1:" + socket.getLocalPort() + path);
    }

    /** Requests whose headers arrived. */
    public int requests() {
        return requests.get();
    }

    /** Connections the client closed while the body was still trickling. */
    public int abandoned() {
        return abandoned.get();
    }

    private void accept() {
        while (!socket.isClosed()) {
            try {
                Socket s = socket.accept();
                threads.execute(() -> trickle(s));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void trickle(Socket s) {
        try (s) {
            readHead(s.getInputStream());
            requests.incrementAndGet();
            OutputStream out = s.getOutputStream();
            out.write(
                    ("HTTP/1.1 200 OK\r\nContent-Type: "
                                    + contentType
                                    + "\r\nContent-Length: 100000\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            while (!closed.await(interval.toMillis(), TimeUnit.MILLISECONDS)) {
                out.write(0x30);
                out.flush();
            }
        } catch (IOException e) {
            abandoned.incrementAndGet(); // the client hung up: what a deadline does
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Up to the blank line after the headers; the small request body stays unread. */
    private static void readHead(InputStream in) throws IOException {
        int matched = 0;
        byte[] end = {'\r', '\n', '\r', '\n'};
        while (matched < end.length) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("client closed before the end of its headers");
            }
            matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
        }
    }

    private static Thread daemon(Runnable r) {
        Thread t = new Thread(r, "trickling-http");
        t.setDaemon(true);
        return t;
    }

    @Override
    public void close() throws IOException {
        closed.countDown();
        socket.close();
        threads.shutdownNow();
    }
}
