package io.mailseal.net;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpTimeoutException;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLContext;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.client5.http.ssl.DefaultClientTlsStrategy;
import org.apache.hc.client5.http.ssl.HostnameVerificationPolicy;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;

/**
 * One HTTP/1.1 POST on the calling thread within a total deadline, body included: when it passes,
 * the exchange is aborted and its socket closed at once (a server that sends its body one byte a
 * second cannot hold the caller). Connections are kept alive in one pool for the next exchange to
 * the same host, one per exchange in flight, so concurrent callers never wait for each other's
 * connection ({@link #allowConcurrent}); one that failed or was aborted is closed, never reused. No
 * proxy, no redirects, no retries. TLS trust and host name checks are the JDK's, as its own HTTP
 * client makes them: the chain against the given context's trust store ({@link #jdkTrust}: the
 * JDK's default, cacerts or what {@code javax.net.ssl.trustStore} names) and the URL's host against
 * the certificate ({@code HTTPS} endpoint identification) during the handshake.
 */
public final class BlockingPost implements AutoCloseable {
    /**
     * The pool's limit per host and in total until {@link #allowConcurrent} raises it: more
     * exchanges in flight than the default {@code smtp.max-connections} sessions.
     */
    static final int DEFAULT_CONCURRENT = 256;

    /**
     * A backstop for a connect the deadline's abort did not end; the deadline is what bounds an
     * exchange.
     */
    private static final Timeout CONNECT_BACKSTOP = Timeout.ofMinutes(1);

    private static final ScheduledThreadPoolExecutor DEADLINES = deadlines();

    private final PoolingHttpClientConnectionManager pool;
    private final CloseableHttpClient client;

    /** The JDK's default TLS context, one pool for the process. */
    private static final class JdkTrust {
        static final BlockingPost INSTANCE = new BlockingPost(defaultTls());
    }

    /** Exchanges through {@code tls}'s trust store; {@link #close} ends the pool. */
    public BlockingPost(SSLContext tls) {
        this(tls, DEFAULT_CONCURRENT);
    }

    BlockingPost(SSLContext tls, int concurrent) {
        this.pool =
                PoolingHttpClientConnectionManagerBuilder.create()
                        .setTlsSocketStrategy(
                                // BUILTIN: the JDK checks the host name during the handshake,
                                // exactly as java.net.http did; no second checker of Apache's
                                new DefaultClientTlsStrategy(
                                        tls, HostnameVerificationPolicy.BUILTIN, null))
                        .setDefaultConnectionConfig(
                                ConnectionConfig.custom()
                                        .setConnectTimeout(CONNECT_BACKSTOP)
                                        .build())
                        .setMaxConnPerRoute(concurrent)
                        .setMaxConnTotal(concurrent)
                        .build();
        this.client =
                HttpClients.custom()
                        .setConnectionManager(pool)
                        .disableRedirectHandling()
                        .disableAutomaticRetries()
                        .disableCookieManagement()
                        .disableAuthCaching()
                        .disableContentCompression()
                        .evictIdleConnections(TimeValue.ofSeconds(30))
                        .build();
    }

    /** The process's pool with the JDK's default TLS context (the TSA client's). */
    public static BlockingPost jdkTrust() {
        return JdkTrust.INSTANCE;
    }

    /**
     * Lets at least {@code callers} exchanges be in flight at once, to one host and in total (never
     * lowers it): a caller beyond the limit would wait for another's connection, within its own
     * deadline.
     */
    public synchronized void allowConcurrent(int callers) {
        if (callers > pool.getMaxTotal()) {
            pool.setMaxTotal(callers);
        }
        if (callers > pool.getDefaultMaxPerRoute()) {
            pool.setDefaultMaxPerRoute(callers);
        }
    }

    /**
     * POSTs {@code body} to {@code url} and returns the answer's body: status 200, a Content-Type
     * that starts with {@code replyType}, at most {@code maxReply} bytes. Otherwise an {@link
     * IOException} saying which ("HTTP 503", an {@link HttpTimeoutException} when the deadline
     * passed, an {@link javax.net.ssl.SSLException} when the server's certificate is not trusted or
     * not for the URL's host), and the connection is closed, never reused.
     */
    public byte[] post(
            URI url,
            String contentType,
            byte[] body,
            String replyType,
            int maxReply,
            Duration deadline)
            throws IOException {
        Timeout share = Timeout.ofMilliseconds(Math.max(1, deadline.toMillis()));
        HttpPost post = new HttpPost(url);
        post.setConfig(
                RequestConfig.custom()
                        .setConnectionRequestTimeout(share)
                        .setResponseTimeout(share)
                        .build());
        post.setEntity(new ByteArrayEntity(body, ContentType.parse(contentType)));
        AtomicBoolean expired = new AtomicBoolean();
        ScheduledFuture<?> cut =
                DEADLINES.schedule(
                        () -> {
                            expired.set(true);
                            post.cancel(); // closes the socket: a blocked read fails at once
                        },
                        deadline.toNanos(),
                        TimeUnit.NANOSECONDS);
        try {
            return client.execute(
                    post,
                    response -> {
                        try {
                            return accept(response, replyType, maxReply);
                        } catch (IOException e) {
                            post.cancel(); // else closing the response would drain and pool it
                            throw e;
                        }
                    });
        } catch (IOException e) {
            if (expired.get()) {
                throw new HttpTimeoutException(
                        "did not answer within " + deadline.toMillis() + " ms");
            }
            if (e instanceof ConnectException) { // its message repeats the URL the caller names
                ConnectException refused =
                        new ConnectException("cannot connect (connection refused or unreachable)");
                refused.initCause(e);
                throw refused;
            }
            throw e;
        } finally {
            cut.cancel(false);
        }
    }

    @Override
    public void close() {
        client.close(CloseMode.IMMEDIATE);
    }

    private static byte[] accept(ClassicHttpResponse response, String replyType, int max)
            throws IOException {
        if (response.getCode() != 200) {
            throw new IOException("HTTP " + response.getCode());
        }
        Header header = response.getFirstHeader("Content-Type");
        String type = header == null ? "" : header.getValue();
        if (!type.startsWith(replyType)) {
            throw new IOException("unexpected Content-Type \"" + type + "\"");
        }
        return read(response.getEntity(), max);
    }

    /** The whole body, or an exception when it is longer than {@code max}. */
    private static byte[] read(HttpEntity entity, int max) throws IOException {
        if (entity == null) {
            return new byte[0];
        }
        if (entity.getContentLength() > max) {
            throw new IOException("response body larger than " + max + " bytes");
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        try (InputStream in = entity.getContent()) {
            for (int n; (n = in.read(buffer)) >= 0; ) {
                if (bytes.size() + n > max) {
                    throw new IOException("response body larger than " + max + " bytes");
                }
                bytes.write(buffer, 0, n);
            }
        }
        return bytes.toByteArray();
    }

    private static SSLContext defaultTls() {
        try {
            return SSLContext.getDefault();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no default TLS context", e);
        }
    }

    private static ScheduledThreadPoolExecutor deadlines() {
        ScheduledThreadPoolExecutor timer =
                new ScheduledThreadPoolExecutor(
                        1,
                        r -> {
                            Thread t = Executors.defaultThreadFactory().newThread(r);
                            t.setName("http-deadlines");
                            t.setDaemon(true);
                            return t;
                        });
        timer.setRemoveOnCancelPolicy(true);
        return timer;
    }
}
