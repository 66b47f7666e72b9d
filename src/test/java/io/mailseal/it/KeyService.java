package io.mailseal.it;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;

/**
 * A bank's key service on loopback (JDK HttpServer): {@code GET /certs/{address}} with a bearer
 * token, one behaviour per address, every request counted. Unknown addresses get 404.
 */
final class KeyService implements AutoCloseable {
    enum Answer {
        PEM,
        DER,
        ERROR,
        HANG,
        GARBAGE
    }

    private record Entry(Answer answer, List<X509Certificate> certificates) {}

    private final String token;
    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> requests = new ConcurrentHashMap<>();
    private final CountDownLatch released = new CountDownLatch(1);

    KeyService(String token) throws IOException {
        this.token = token;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 10);
        server.createContext("/certs/", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    /** The relay.conf {@code url} for this service. */
    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/certs/{address}";
    }

    void answer(String address, Answer answer, X509Certificate... certificates) {
        entries.put(address, new Entry(answer, List.of(certificates)));
    }

    /** Requests that reached the service for {@code address} (as the service decoded the path). */
    int requests(String address) {
        return requests.getOrDefault(address, new AtomicInteger()).get();
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String address = ex.getRequestURI().getPath().substring("/certs/".length());
            requests.computeIfAbsent(address, a -> new AtomicInteger()).incrementAndGet();
            if (!("Bearer " + token).equals(ex.getRequestHeaders().getFirst("Authorization"))) {
                send(ex, 401, "text/plain", "token required".getBytes(StandardCharsets.US_ASCII));
                return;
            }
            Entry e = entries.get(address);
            if (e == null) {
                send(ex, 404, "text/plain", "no certificate".getBytes(StandardCharsets.US_ASCII));
                return;
            }
            switch (e.answer()) {
                case PEM ->
                        send(ex, 200, "application/pem-certificate-chain", pem(e.certificates()));
                case DER ->
                        send(
                                ex,
                                200,
                                "application/pkix-cert",
                                e.certificates().get(0).getEncoded());
                case ERROR ->
                        send(
                                ex,
                                500,
                                "text/plain",
                                "database down".getBytes(StandardCharsets.US_ASCII));
                case GARBAGE ->
                        send(
                                ex,
                                200,
                                "application/x-pem-file",
                                "-----BEGIN nonsense".getBytes(StandardCharsets.US_ASCII));
                case HANG -> {
                    // longer than any client timeout; close() lets it go
                    released.await(30, TimeUnit.SECONDS);
                    send(ex, 503, "text/plain", new byte[0]);
                }
            }
        } catch (CertificateEncodingException | InterruptedException e) {
            throw new IOException(e);
        }
    }

    private static byte[] pem(List<X509Certificate> certs) throws IOException {
        StringWriter s = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(s)) {
            for (X509Certificate c : certs) {
                w.writeObject(c);
            }
        }
        return s.toString().getBytes(StandardCharsets.US_ASCII);
    }

    private static void send(HttpExchange ex, int status, String type, byte[] body)
            throws IOException {
        ex.getResponseHeaders().set("Content-Type", type);
        ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
        }
    }

    /** Stops the service: from now on, connections are refused. */
    void stop() {
        released.countDown();
        server.stop(0);
        executor.shutdownNow();
    }

    @Override
    public void close() {
        stop();
    }
}
