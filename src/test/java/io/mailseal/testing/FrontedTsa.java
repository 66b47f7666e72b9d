package io.mailseal.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.mailseal.demo.DemoPki;
import io.mailseal.demo.EmbeddedTsa;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.cert.TrustAnchor;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;

/**
 * An RFC 3161 authority behind a front of the test's choosing: HTTPS with a given server identity,
 * or plain HTTP, that holds each request for {@code delay} before passing it to an {@link
 * EmbeddedTsa} (real tokens, over loopback). Counts the requests that reached the front and the
 * most it held at once.
 */
public final class FrontedTsa implements AutoCloseable {
    private final DemoPki pki = new DemoPki(Clock.systemUTC(), "Fronted TSA Root");
    private final EmbeddedTsa tsa;
    private final HttpServer front;
    private final Duration delay;
    private final HttpClient backend = HttpClient.newHttpClient();
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger mostInFlight = new AtomicInteger();

    /**
     * @param tls the front's server identity ({@link ServerTls#context}); null for plain HTTP
     */
    public FrontedTsa(SSLContext tls, Duration delay) throws IOException {
        this.delay = delay;
        DemoPki.Issued signer = pki.timestampAuthority("Fronted TSA");
        this.tsa =
                new EmbeddedTsa(
                        signer.key(),
                        signer.certificate(),
                        List.of(pki.ca().certificate()),
                        Clock.systemUTC());
        InetSocketAddress loopback = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        if (tls == null) {
            front = HttpServer.create(loopback, 50);
        } else {
            HttpsServer https = HttpsServer.create(loopback, 50);
            https.setHttpsConfigurator(new HttpsConfigurator(tls));
            front = https;
        }
        front.createContext("/tsr", this::pass);
        front.setExecutor(threads);
        front.start();
    }

    /** {@code https://host:port/tsr} (or {@code http://} without TLS). */
    public URI url(String host) {
        String scheme = front instanceof HttpsServer ? "https" : "http";
        return URI.create(scheme + "://" + host + ":" + front.getAddress().getPort() + "/tsr");
    }

    /** The root of the TSA's signing certificate, to verify its tokens with. */
    public Set<TrustAnchor> anchors() {
        return Set.of(new TrustAnchor(pki.ca().certificate(), null));
    }

    /** Requests that reached the front (after any TLS handshake). */
    public int requests() {
        return requests.get();
    }

    /** The most requests the front held at the same time. */
    public int mostInFlight() {
        return mostInFlight.get();
    }

    private void pass(HttpExchange exchange) throws IOException {
        requests.incrementAndGet();
        mostInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
        try (exchange) {
            byte[] query = exchange.getRequestBody().readAllBytes();
            Thread.sleep(delay.toMillis());
            HttpResponse<byte[]> reply =
                    backend.send(
                            HttpRequest.newBuilder(tsa.url())
                                    .header("Content-Type", "application/timestamp-query")
                                    .POST(HttpRequest.BodyPublishers.ofByteArray(query))
                                    .build(),
                            HttpResponse.BodyHandlers.ofByteArray());
            exchange.getResponseHeaders()
                    .set("Content-Type", reply.headers().firstValue("Content-Type").orElse(""));
            exchange.sendResponseHeaders(reply.statusCode(), reply.body().length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(reply.body());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            inFlight.decrementAndGet();
        }
    }

    @Override
    public void close() {
        front.stop(0);
        threads.shutdownNow();
        tsa.close();
    }
}
