package io.mailseal.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.mailseal.testing.Eventually;
import io.mailseal.testing.TricklingHttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The transport of the TSA client over real loopback sockets. */
@Timeout(value = 60, unit = TimeUnit.SECONDS) // without a deadline these would hang, not fail
class BlockingPostTest {
    static final Duration DEADLINE = Duration.ofSeconds(5);

    private HttpServer server;
    private final BlockingPost http = BlockingPost.jdkTrust();
    private final Set<Integer> clientPorts = ConcurrentHashMap.newKeySet();
    private volatile CountDownLatch gate = new CountDownLatch(0);

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/ok", exchange -> answer(exchange, 200, "a/b", new byte[] {7, 8}));
        server.createContext("/big", exchange -> answer(exchange, 200, "a/b", new byte[1001]));
        server.createContext(
                "/moved",
                exchange -> {
                    exchange.getResponseHeaders().set("Location", url("/ok").toString());
                    answer(exchange, 302, "a/b", new byte[0]);
                });
        server.createContext(
                "/slow",
                exchange -> {
                    clientPorts.add(exchange.getRemoteAddress().getPort());
                    try {
                        gate.await(10, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    answer(exchange, 200, "a/b", new byte[] {1});
                });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    @Test
    void oneConnectionServesExchangesInTurnAndTheAnswerIsTheServers() throws Exception {
        for (int i = 0; i < 5; i++) {
            assertThat(post("/ok", 10)).containsExactly(7, 8);
        }
        assertThat(clientPorts).as("kept alive: every exchange on the first connection").hasSize(1);
    }

    @Test
    void concurrentExchangesEachHaveAConnectionOfTheirOwn() throws Exception {
        gate = new CountDownLatch(1);
        ExecutorService callers = Executors.newFixedThreadPool(8);
        try {
            List<Future<byte[]>> answers = slow(callers, http, 8);
            Eventually.await(
                    "all 8 requests at the server at once, none queued behind another",
                    Duration.ofSeconds(5),
                    () -> clientPorts.size() == 8);
            release(answers);
        } finally {
            callers.shutdownNow();
        }
    }

    @Test
    void aCallerBeyondThePoolsLimitWaitsUntilAllowConcurrentRaisesIt() throws Exception {
        gate = new CountDownLatch(1);
        ExecutorService callers = Executors.newFixedThreadPool(4);
        try (BlockingPost two = new BlockingPost(SSLContext.getDefault(), 2)) {
            List<Future<byte[]>> answers = slow(callers, two, 3);
            Eventually.await(
                    "two requests at the server",
                    Duration.ofSeconds(5),
                    () -> clientPorts.size() == 2);
            Thread.sleep(300);
            assertThat(clientPorts).as("the third waits for a connection").hasSize(2);
            two.allowConcurrent(4);
            answers.addAll(slow(callers, two, 1));
            Eventually.await(
                    "the fourth at the server beside the first two",
                    Duration.ofSeconds(5),
                    () -> clientPorts.size() >= 3);
            release(answers);
        } finally {
            callers.shutdownNow();
        }
    }

    @Test
    void aTooLongBodyFailsAndItsConnectionIsNotReused() throws Exception {
        post("/ok", 10);
        assertThatThrownBy(() -> post("/big", 1000))
                .isInstanceOf(IOException.class)
                .hasMessage("response body larger than 1000 bytes");
        post("/ok", 10);
        assertThat(clientPorts).as("a new connection after the failed exchange").hasSize(2);
    }

    @Test
    void aRedirectOrAnotherTypeFailsAndItsConnectionIsNotReused() throws Exception {
        assertThatThrownBy(() -> post("/moved", 10)).hasMessage("HTTP 302");
        assertThatThrownBy(() -> http.post(url("/ok"), "x/y", new byte[] {1}, "c/d", 10, DEADLINE))
                .hasMessage("unexpected Content-Type \"a/b\"");
        post("/ok", 10);
        assertThat(clientPorts).as("three connections for three exchanges").hasSize(3);
    }

    @Test
    void nobodyListeningIsSaidSoWithoutRepeatingTheUrl() throws Exception {
        URI dead = url("/ok");
        server.stop(0);
        assertThatThrownBy(() -> http.post(dead, "x/y", new byte[] {1}, "a/b", 10, DEADLINE))
                .isInstanceOf(java.net.ConnectException.class)
                .hasMessage("cannot connect (connection refused or unreachable)");
    }

    @Test
    void aBodyTricklingInAfterPromptHeadersIsCutAtTheDeadlineAndItsConnectionClosed()
            throws Exception {
        try (TricklingHttpServer trickling =
                new TricklingHttpServer("application/timestamp-reply", Duration.ofSeconds(3))) {
            long start = System.nanoTime();
            assertThatThrownBy(() -> tsaPost(trickling.url("/x"), Duration.ofMillis(700)))
                    .isInstanceOf(HttpTimeoutException.class)
                    .hasMessage("did not answer within 700 ms");
            assertThat(Duration.ofNanos(System.nanoTime() - start))
                    .as("cut at the deadline, not at the next byte 3 s apart")
                    .isLessThan(Duration.ofMillis(1200));
            Eventually.await(
                    "the connection closed by the aborted exchange",
                    Duration.ofSeconds(5),
                    () -> trickling.abandoned() == 1);
            assertThatThrownBy(() -> tsaPost(trickling.url("/x"), Duration.ofMillis(300)))
                    .isInstanceOf(HttpTimeoutException.class);
            assertThat(trickling.requests())
                    .as("the next exchange on a new connection, not the aborted one")
                    .isEqualTo(2);
        }
    }

    @Test
    void aConnectNeverAnsweredAndAHandshakeNeverAnsweredAreCutAtTheDeadline() throws Exception {
        try (ServerSocket full = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            List<Socket> queued = new ArrayList<>();
            try {
                for (int i = 0; i < 2; i++) { // the queue of a backlog of 1 holds two
                    queued.add(new Socket(InetAddress.getLoopbackAddress(), full.getLocalPort()));
                }
                // nobody accepts: with the queue full the kernel drops further SYNs
                assertCutAt(URI.create("http://127.0.0.1:" + full.getLocalPort() + "/x"));
            } finally {
                for (Socket s : queued) {
                    s.close();
                }
            }
        }
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            // the TCP connect succeeds (the kernel's queue), no ServerHello ever comes
            assertCutAt(URI.create("https://127.0.0.1:" + silent.getLocalPort() + "/x"));
        }
    }

    private void assertCutAt(URI url) {
        long start = System.nanoTime();
        assertThatThrownBy(
                        () ->
                                http.post(
                                        url,
                                        "x/y",
                                        new byte[] {1},
                                        "a/b",
                                        10,
                                        Duration.ofMillis(500)))
                .isInstanceOf(HttpTimeoutException.class)
                .hasMessage("did not answer within 500 ms");
        assertThat(Duration.ofNanos(System.nanoTime() - start))
                .as("cut at the deadline, not at the pool's connect backstop")
                .isLessThan(Duration.ofMillis(1500));
    }

    /** A POST as the TSA client makes it. */
    private byte[] tsaPost(URI url, Duration deadline) throws IOException {
        return http.post(
                url, "x/y", new byte[] {1}, "application/timestamp-reply", 1 << 20, deadline);
    }

    /** {@code n} calls to {@code /slow}, which answers when the gate opens. */
    private List<Future<byte[]>> slow(ExecutorService callers, BlockingPost via, int n) {
        List<Future<byte[]>> answers = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            answers.add(callers.submit(() -> post(via, "/slow", 10)));
        }
        return answers;
    }

    private void release(List<Future<byte[]>> answers) throws Exception {
        gate.countDown();
        for (Future<byte[]> answer : answers) {
            assertThat(answer.get()).containsExactly(1);
        }
    }

    private byte[] post(String path, int max) throws IOException {
        return post(http, path, max);
    }

    private byte[] post(BlockingPost via, String path, int max) throws IOException {
        return via.post(url(path), "x/y", new byte[] {1}, "a/b", max, DEADLINE);
    }

    private URI url(String path) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
    }

    private void answer(HttpExchange exchange, int status, String type, byte[] body)
            throws IOException {
        try (exchange) {
            clientPorts.add(exchange.getRemoteAddress().getPort());
            exchange.getRequestBody().readAllBytes();
            exchange.getResponseHeaders().set("Content-Type", type);
            exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }
}
