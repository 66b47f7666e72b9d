package io.mailseal.testing;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;

/**
 * An HTTPS server on 127.0.0.1 serving MTA-STS policies at {@code /.well-known/mta-sts.txt}, by the
 * {@code Host} the client asked for; what it serves can be changed while it runs, and it counts the
 * requests per host.
 */
public final class PolicyServer implements AutoCloseable {
    /** What one host answers. */
    public record Answer(int status, String contentType, String body) {}

    private final HttpsServer server;
    private final Map<String, Answer> answers = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> requests = new ConcurrentHashMap<>();

    public PolicyServer(SSLContext tls) throws IOException {
        server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(tls));
        server.createContext(
                "/.well-known/mta-sts.txt",
                exchange -> {
                    String host = exchange.getRequestHeaders().getFirst("Host");
                    requests.computeIfAbsent(host, h -> new AtomicInteger()).incrementAndGet();
                    Answer a = answers.getOrDefault(host, new Answer(404, "text/plain", ""));
                    byte[] body = a.body().getBytes(StandardCharsets.UTF_8);
                    exchange.getResponseHeaders().set("Content-Type", a.contentType());
                    exchange.sendResponseHeaders(a.status(), body.length == 0 ? -1 : body.length);
                    try (OutputStream out = exchange.getResponseBody()) {
                        out.write(body);
                    }
                });
        server.start();
    }

    /** {@code host} answers 200 with {@code policy} as text/plain. */
    public PolicyServer policy(String host, String policy) {
        return answer(host, new Answer(200, "text/plain; charset=utf-8", policy));
    }

    public PolicyServer answer(String host, Answer answer) {
        answers.put(host, answer);
        return this;
    }

    public int requests(String host) {
        AtomicInteger n = requests.get(host);
        return n == null ? 0 : n.get();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
