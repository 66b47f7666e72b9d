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
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.client5.http.ssl.DefaultClientTlsStrategy;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;

/**
 * One HTTP/1.1 POST on the calling thread within a total deadline, body included: when it passes,
 * the exchange is aborted and its socket closed at once (a server that sends its body one byte a
 * second cannot hold the caller). Connections are kept alive in one pool for the next exchange to
 * the same host, one per exchange in flight, so concurrent callers never wait for each other's
 * connection; one that failed or was aborted is closed, never reused. TLS with the JDK's default
 * context (its trust store), no proxy, no redirects, no retries.
 */
public final class BlockingPost {
    /** More exchanges in flight to one host than a relay has sessions: a lease never waits. */
    private static final int MAX_CONNECTIONS = 1024;

    private static final ScheduledThreadPoolExecutor DEADLINES = deadlines();
    private static final CloseableHttpClient CLIENT = client();

    private BlockingPost() {}

    /**
     * POSTs {@code body} to {@code url} and returns the answer's body: status 200, a Content-Type
     * that starts with {@code replyType}, at most {@code maxReply} bytes. Otherwise an {@link
     * IOException} saying which ("HTTP 503", an {@link HttpTimeoutException} when the deadline
     * passed), and the connection is closed, never reused.
     */
    @SuppressWarnings("deprecation") // per-request connect timeout: the deadline is per request
    public static byte[] post(
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
                        .setConnectTimeout(share)
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
            return CLIENT.execute(
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

    private static CloseableHttpClient client() {
        SSLContext tls;
        try {
            tls = SSLContext.getDefault();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no default TLS context", e);
        }
        return HttpClients.custom()
                .setConnectionManager(
                        PoolingHttpClientConnectionManagerBuilder.create()
                                .setTlsSocketStrategy(new DefaultClientTlsStrategy(tls))
                                .setMaxConnPerRoute(MAX_CONNECTIONS)
                                .setMaxConnTotal(MAX_CONNECTIONS)
                                .build())
                .disableRedirectHandling()
                .disableAutomaticRetries()
                .disableCookieManagement()
                .disableAuthCaching()
                .disableContentCompression()
                .evictIdleConnections(TimeValue.ofSeconds(30))
                .build();
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
