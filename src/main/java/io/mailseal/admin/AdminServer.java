package io.mailseal.admin;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.mailseal.certs.RecipientAddress;
import io.mailseal.certs.RecipientReport;
import io.mailseal.config.HostPort;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * The admin port (loopback by default): {@code /metrics} (Prometheus text), {@code /health}
 * (liveness), {@code /ready} (JSON detail, 503 when not ready), {@code POST /v1/reload}, {@code
 * POST /v1/queue/flush}, {@code /v1/recipients/{address}}: can this customer receive encrypted
 * mail? — the question the bank asks before choosing SMS or e-mail — and {@code POST
 * /v1/recipients/{address}/refresh}: forget the cached answer for it. A bearer token guards
 * everything but /health when {@code admin.token-file} is set. Slow clients are bounded: a request
 * must arrive within {@link #MAX_REQUEST_SECONDS}, a response be taken within {@link
 * #MAX_RESPONSE_SECONDS}, and at most {@link #MAX_CONNECTIONS} connections are open at once, each
 * with a thread of its own.
 */
public final class AdminServer implements AutoCloseable {
    private static final String RECIPIENTS = "/v1/recipients/";

    /** POST: make every queued message due now. */
    public static final String FLUSH = "/v1/queue/flush";

    /** POST: re-read relay.conf; 200 when applied, 422 with the problems when not. */
    public static final String RELOAD = "/v1/reload";

    /**
     * POST {@code /v1/recipients/{address}/refresh}: drop the relay's cached certificate answer for
     * the address (after {@code mailseal certs import}); 200, or 400 for a non-address.
     */
    private static final String REFRESH = "/refresh";

    private static final org.slf4j.Logger log =
            org.slf4j.LoggerFactory.getLogger(AdminServer.class);

    /** Threads for requests: at most one per connection the server accepts, so none waits. */
    static final int MAX_CONNECTIONS = 32;

    /** Seconds a client has to send its request line, headers and body. */
    static final int MAX_REQUEST_SECONDS = 5;

    /** Seconds a client has to take the response. */
    static final int MAX_RESPONSE_SECONDS = 10;

    static {
        // read once per JVM, when the JDK's HTTP server is first used: so here, before any is
        // created (under mailseal run the admin port is the first; in the demo its TSA is)
        // without it the JDK's HTTP server delays each response body by a delayed ACK (~40 ms)
        System.setProperty("sun.net.httpserver.nodelay", "true");
        // a client that sends its request one byte a second holds a thread: for this long at most
        defaultProperty("sun.net.httpserver.maxReqTime", MAX_REQUEST_SECONDS);
        defaultProperty("sun.net.httpserver.maxRspTime", MAX_RESPONSE_SECONDS);
        defaultProperty("sun.net.httpserver.idleInterval", 30);
        defaultProperty("sun.net.httpserver.maxIdleConnections", 8);
        defaultProperty("jdk.httpserver.maxConnections", MAX_CONNECTIONS);
    }

    /** An operator's -D on the command line wins. */
    private static void defaultProperty(String name, int value) {
        if (System.getProperty(name) == null) {
            System.setProperty(name, Integer.toString(value));
        }
    }

    private final HttpServer server;

    /**
     * The JDK server reads a request's headers on the executor's thread, so each slow client holds
     * one until maxReqTime closes its connection. With as many threads as connections allowed, slow
     * clients cannot take the last thread from /health; threads not used for 30 s end. On a JDK
     * without jdk.httpserver.maxConnections an exchange beyond the threads is dropped (its
     * connection is closed by maxReqTime), not queued behind the slow ones.
     */
    private final ThreadPoolExecutor executor =
            new ThreadPoolExecutor(
                    0,
                    MAX_CONNECTIONS,
                    30,
                    TimeUnit.SECONDS,
                    new SynchronousQueue<>(),
                    r -> {
                        Thread t = new Thread(r, "admin-http");
                        t.setDaemon(true);
                        return t;
                    },
                    (r, pool) ->
                            log.warn(
                                    "admin port: all {} request threads busy, a request dropped",
                                    MAX_CONNECTIONS));

    private final RelayMetrics metrics;
    private final RelayControl relay;
    private final Optional<String> token;

    public AdminServer(
            HostPort listen, RelayMetrics metrics, RelayControl relay, Optional<String> token)
            throws IOException {
        this.metrics = metrics;
        this.relay = relay;
        this.token = token;
        server = HttpServer.create(new InetSocketAddress(listen.host(), listen.port()), 20);
        server.createContext("/", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    /** The path that drops the cached certificate answer for {@code address}, percent-encoded. */
    public static String refreshPath(String address) {
        StringBuilder path = new StringBuilder(RECIPIENTS);
        for (byte b : address.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (c < 0x80 && (Character.isLetterOrDigit(c) || "-._~!$&'()*+,;=:@".indexOf(c) >= 0)) {
                path.append((char) c);
            } else {
                path.append('%').append(String.format("%02X", c));
            }
        }
        return path.append(REFRESH).toString();
    }

    private static boolean isRefresh(String rawPath) {
        return rawPath.startsWith(RECIPIENTS)
                && rawPath.endsWith(REFRESH)
                && rawPath.length() > RECIPIENTS.length() + REFRESH.length();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            route(ex);
        } catch (RuntimeException e) {
            log.error("admin request {} failed", ex.getRequestURI().getRawPath(), e);
            send(ex, 500, "text/plain", "internal error\n");
        }
    }

    private void route(HttpExchange ex) throws IOException {
        {
            String path = ex.getRequestURI().getRawPath();
            boolean post = path.equals(FLUSH) || path.equals(RELOAD) || isRefresh(path);
            if (!(post ? "POST" : "GET").equals(ex.getRequestMethod())) {
                send(ex, 405, "text/plain", (post ? "POST" : "GET") + " only\n");
            } else if (path.equals("/health")) {
                send(ex, 200, "application/json", health());
            } else if (token.isPresent() && !authorised(ex)) {
                send(ex, 401, "text/plain", "bearer token required\n");
            } else if (path.equals(FLUSH)) {
                RelayControl.Flushed n = relay.flushQueue();
                log.info("queue flush over the admin port: {} due now", n.fields());
                send(ex, 200, "application/json", Json.object(n.fields()) + "\n");
            } else if (isRefresh(path)) {
                String decoded = ex.getRequestURI().getPath();
                refresh(
                        ex,
                        decoded.substring(
                                RECIPIENTS.length(), decoded.length() - REFRESH.length()));
            } else if (path.equals(RELOAD)) {
                log.info("reload of relay.conf requested over the admin port");
                List<String> problems = relay.reload();
                int status = problems.isEmpty() ? 200 : 422;
                if (String.valueOf(ex.getRequestHeaders().getFirst("Accept"))
                        .startsWith("text/plain")) {
                    // for mailseal reload: one problem a line, as check-config prints them
                    send(
                            ex,
                            status,
                            "text/plain",
                            problems.stream().map(p -> p + "\n").collect(Collectors.joining()));
                } else {
                    Map<String, Object> body = new LinkedHashMap<>();
                    body.put("reloaded", problems.isEmpty());
                    body.put("problems", problems);
                    send(ex, status, "application/json", Json.object(body) + "\n");
                }
            } else if (path.equals("/metrics")) {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                metrics.writePrometheus(out);
                send(
                        ex,
                        200,
                        "text/plain; version=0.0.4; charset=utf-8",
                        out.toString(StandardCharsets.UTF_8));
            } else if (path.equals("/ready")) {
                Map<String, String> problems = relay.readinessProblems();
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("ready", problems.isEmpty());
                body.put("problems", problems);
                body.put("openCircuits", relay.openCircuits());
                body.put("tlsChecks", relay.tlsChecks());
                send(
                        ex,
                        problems.isEmpty() ? 200 : 503,
                        "application/json",
                        Json.object(body) + "\n");
            } else if (path.startsWith(RECIPIENTS)) {
                // percent-decoded as a URI path (RFC 3986), not as a form: '+' stays '+'
                recipient(ex, ex.getRequestURI().getPath().substring(RECIPIENTS.length()));
            } else {
                send(ex, 404, "text/plain", "not found\n");
            }
        }
    }

    /** Liveness, with what is running: {"status":"up","version":...,"commit":...}. */
    private static String health() {
        BuildInfo build = BuildInfo.current();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", "up");
        body.put("version", build.version());
        body.put("commit", build.commit());
        return Json.object(body) + "\n";
    }

    private void refresh(HttpExchange ex, String address) throws IOException {
        if (!RecipientAddress.isWellFormed(address)) {
            send(
                    ex,
                    400,
                    "application/json",
                    Json.object(Map.of("error", "not a mail address")) + "\n");
            return;
        }
        relay.forgetCertificates(List.of(address));
        log.info("cached certificate answer for {} dropped over the admin port", address);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("address", address);
        body.put("forgotten", true);
        send(ex, 200, "application/json", Json.object(body) + "\n");
    }

    private void recipient(HttpExchange ex, String address) throws IOException {
        if (!RecipientAddress.isWellFormed(address)) {
            send(
                    ex,
                    400,
                    "application/json",
                    Json.object(Map.of("error", "not a mail address")) + "\n");
            return;
        }
        RecipientReport r = RecipientReport.of(address, relay.certificates().resolve(address));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("address", r.address());
        body.put("encryptable", r.encryptable());
        body.put("source", r.source());
        body.put("subject", r.subject());
        body.put("issuer", r.issuer());
        body.put("notAfter", r.notAfter());
        body.put("fingerprintSha256", r.fingerprintSha256());
        body.put("reason", r.reason());
        body.put("caveat", r.caveat());
        send(ex, r.encryptable() == null ? 503 : 200, "application/json", Json.object(body) + "\n");
    }

    /**
     * Constant-time comparison: the time taken must not tell how much of a guessed token was right.
     */
    private boolean authorised(HttpExchange ex) {
        String given = ex.getRequestHeaders().getFirst("Authorization");
        return given != null
                && java.security.MessageDigest.isEqual(
                        ("Bearer " + token.get()).getBytes(StandardCharsets.UTF_8),
                        given.getBytes(StandardCharsets.UTF_8));
    }

    private static void send(HttpExchange ex, int status, String type, String body)
            throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", type);
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
