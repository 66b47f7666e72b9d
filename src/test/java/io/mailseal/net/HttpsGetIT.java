package io.mailseal.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mailseal.demo.DemoPki;
import io.mailseal.testing.ServerTls;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link HttpsGet} against a TLS server on loopback that writes raw HTTP/1.1 responses. */
class HttpsGetIT {
    static final DemoPki PKI = new DemoPki(Clock.systemUTC(), "Test CA");
    static final String HOST = "mta-sts.example.test";

    SSLServerSocket server;
    SSLContext client;

    @BeforeEach
    void start() throws Exception {
        SSLContext tls =
                ServerTls.context(
                        PKI.server(Instant.now().plus(Duration.ofDays(1)), HOST),
                        PKI.ca().certificate());
        server =
                (SSLServerSocket)
                        tls.getServerSocketFactory()
                                .createServerSocket(0, 1, InetAddress.getLoopbackAddress());
        client = ServerTls.trusting(PKI.ca().certificate());
    }

    @AfterEach
    void stop() throws IOException {
        server.close();
    }

    /** Answers one request with {@code parts}, pausing {@code pause} between them. */
    private void answer(Duration pause, String... parts) {
        Thread t =
                new Thread(
                        () -> {
                            try (Socket s = server.accept()) {
                                InputStream in = s.getInputStream();
                                // the request, up to the empty line that ends it
                                for (int run = 0; run < 4; ) {
                                    int b = in.read();
                                    if (b < 0) {
                                        return;
                                    }
                                    run = b == '\r' || b == '\n' ? run + 1 : 0;
                                }
                                OutputStream out = s.getOutputStream();
                                for (String p : parts) {
                                    out.write(p.getBytes(StandardCharsets.ISO_8859_1));
                                    out.flush();
                                    Thread.sleep(pause.toMillis());
                                }
                            } catch (IOException | InterruptedException e) {
                                // the client gave up: that is what some tests want
                            }
                        });
        t.setDaemon(true);
        t.start();
    }

    private HttpsGet.Response get(String host, Duration deadline) throws IOException {
        return HttpsGet.get(
                client.getSocketFactory(),
                InetAddress.getLoopbackAddress(),
                server.getLocalPort(),
                host,
                "/.well-known/mta-sts.txt",
                64,
                deadline);
    }

    @Test
    void readsAChunkedBody() throws Exception {
        answer(
                Duration.ZERO,
                "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n",
                "8;ext=1\r\nversion:\r\n",
                "7\r\n STSv1\n\r\n0\r\n\r\n");
        HttpsGet.Response r = get(HOST, Duration.ofSeconds(5));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.headers()).containsEntry("content-type", "text/plain");
        assertThat(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo("version: STSv1\n");
    }

    @Test
    void refusesABodyLongerThanTheBoundAndAnUnknownEncoding() {
        answer(Duration.ZERO, "HTTP/1.1 200 OK\r\nContent-Length: 65\r\n\r\n" + "x".repeat(65));
        assertThatThrownBy(() -> get(HOST, Duration.ofSeconds(5)))
                .hasMessage("response body larger than 64 bytes");
        answer(Duration.ZERO, "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n");
        assertThatThrownBy(() -> get(HOST, Duration.ofSeconds(5)))
                .hasMessage("transfer-encoding gzip refused");
    }

    @Test
    void aServerThatDripsItsAnswerIsCutOffAtTheDeadline() {
        String[] drip = new String[40];
        java.util.Arrays.fill(drip, "x");
        drip[0] = "HTTP/1.1 200 OK\r\n\r\n";
        answer(Duration.ofMillis(100), drip);
        long start = System.nanoTime();
        assertThatThrownBy(() -> get(HOST, Duration.ofMillis(800)))
                .isInstanceOf(SocketTimeoutException.class);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
    }

    @Test
    void aCertificateForAnotherNameFailsTheHandshake() {
        answer(Duration.ZERO, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
        assertThatThrownBy(() -> get("mta-sts.other.test", Duration.ofSeconds(5)))
                .hasMessageContaining(
                        "No subject alternative DNS name matching mta-sts.other.test");
    }
}
