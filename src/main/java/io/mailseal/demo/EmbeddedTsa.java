package io.mailseal.demo;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.Date;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.cert.jcajce.JcaCertStore;
import org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoGeneratorBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;
import org.bouncycastle.tsp.TSPAlgorithms;
import org.bouncycastle.tsp.TSPException;
import org.bouncycastle.tsp.TimeStampRequest;
import org.bouncycastle.tsp.TimeStampResponse;
import org.bouncycastle.tsp.TimeStampResponseGenerator;
import org.bouncycastle.tsp.TimeStampTokenGenerator;

/**
 * A real RFC 3161 time-stamp authority over HTTP on loopback (§3.4), for the demo and the tests:
 * BouncyCastle's token generator behind the JDK's HTTP server. {@link #setDown} makes it answer
 * 503, to exercise fail-over.
 */
public final class EmbeddedTsa implements AutoCloseable {
    /** A policy OID under the "example" arc, so no one mistakes it for a real TSA policy. */
    public static final ASN1ObjectIdentifier DEMO_POLICY =
            new ASN1ObjectIdentifier("1.3.6.1.4.1.99999.3161.1");

    /**
     * Threads answering requests: 4 sign as fast as 2 cores allow; with a reply delay each request
     * holds its thread for the delay, so there are enough for that many requests in flight at once
     * (a relay's TSA client never has more) and none waits behind another's delay.
     */
    private static final int THREADS = 4;

    private static final int THREADS_WITH_DELAY = 128;

    private final HttpServer server;
    private final ExecutorService executor;
    private final Duration delay;

    static {
        // the JDK's HTTP server leaves Nagle on: headers and body go as two writes and the
        // body waits for a delayed ACK (~40 ms) on every token; a TSA answers at once
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    /**
     * BouncyCastle's generator is not thread-safe (concurrent use corrupts tokens): one per thread.
     */
    private final ThreadLocal<TimeStampResponseGenerator> generator;

    private final Clock clock;
    private final AtomicLong serial = new AtomicLong(1);
    private final AtomicInteger requests = new AtomicInteger();
    private volatile boolean down;

    public EmbeddedTsa(
            PrivateKey key, X509Certificate certificate, List<X509Certificate> chain, Clock clock)
            throws IOException {
        this(key, certificate, chain, clock, 0, Duration.ZERO);
    }

    /**
     * On a given loopback port (0: any free one), answering each request {@code delay} after it
     * arrived, as a TSA that far away would (for benchmarks); concurrent requests wait their delay
     * side by side, not one after the other.
     */
    public EmbeddedTsa(
            PrivateKey key,
            X509Certificate certificate,
            List<X509Certificate> chain,
            Clock clock,
            int port,
            Duration delay)
            throws IOException {
        if (delay.isNegative()) {
            throw new IllegalArgumentException("TSA delay must not be negative: " + delay);
        }
        this.clock = clock;
        this.delay = delay;
        this.executor =
                Executors.newFixedThreadPool(
                        delay.isZero() ? THREADS : THREADS_WITH_DELAY,
                        r -> {
                            Thread t = new Thread(r, "embedded-tsa");
                            t.setDaemon(true);
                            return t;
                        });
        this.generator = ThreadLocal.withInitial(() -> responseGenerator(key, certificate, chain));
        try {
            generator.get(); // a bad key or certificate fails here, not at the first request
        } catch (IllegalStateException e) {
            throw new IOException(e.getMessage(), e);
        }
        server =
                HttpServer.create(
                        new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 50);
        server.createContext("/tsr", this::handle);
        server.setExecutor(executor);
        // keep-alive connections: a relay's TSA client reuses one per mail stream
        server.start();
    }

    private static TimeStampResponseGenerator responseGenerator(
            PrivateKey key, X509Certificate certificate, List<X509Certificate> chain) {
        try {
            TimeStampTokenGenerator tokens =
                    new TimeStampTokenGenerator(
                            new JcaSimpleSignerInfoGeneratorBuilder()
                                    .build(signatureAlgorithm(key), key, certificate),
                            // SHA-256 for the signing-certificate reference: ESSCertIDv2 (RFC 5816)
                            new JcaDigestCalculatorProviderBuilder()
                                    .build()
                                    .get(
                                            new org.bouncycastle.asn1.x509.AlgorithmIdentifier(
                                                    org.bouncycastle.asn1.nist.NISTObjectIdentifiers
                                                            .id_sha256)),
                            DEMO_POLICY);
            List<X509Certificate> all = new java.util.ArrayList<>();
            all.add(certificate);
            all.addAll(chain);
            tokens.addCertificates(new JcaCertStore(all));
            return new TimeStampResponseGenerator(tokens, TSPAlgorithms.ALLOWED);
        } catch (Exception e) {
            throw new IllegalStateException("cannot set up the embedded TSA: " + e.getMessage(), e);
        }
    }

    private static String signatureAlgorithm(PrivateKey key) {
        return "EC".equals(key.getAlgorithm()) ? "SHA256withECDSA" : "SHA256withRSA";
    }

    public URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/tsr");
    }

    /** Requests answered (or refused while down) so far. */
    public int requests() {
        return requests.get();
    }

    public void setDown(boolean down) {
        this.down = down;
    }

    private void handle(HttpExchange exchange) throws IOException {
        requests.incrementAndGet();
        try (exchange) {
            if (down || !"POST".equals(exchange.getRequestMethod())) {
                exchange.sendResponseHeaders(down ? 503 : 405, -1);
                return;
            }
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readNBytes(64 * 1024);
            }
            if (!delay.isZero()) {
                try {
                    Thread.sleep(delay.toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    exchange.sendResponseHeaders(503, -1);
                    return;
                }
            }
            byte[] reply;
            try {
                TimeStampRequest req = new TimeStampRequest(body);
                TimeStampResponse resp;
                resp =
                        generator
                                .get()
                                .generate(
                                        req,
                                        BigInteger.valueOf(serial.getAndIncrement()),
                                        Date.from(clock.instant()));
                reply = resp.getEncoded();
            } catch (TSPException | IOException e) {
                exchange.sendResponseHeaders(400, -1);
                return;
            }
            exchange.getResponseHeaders().set("Content-Type", "application/timestamp-reply");
            exchange.sendResponseHeaders(200, reply.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(reply);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
