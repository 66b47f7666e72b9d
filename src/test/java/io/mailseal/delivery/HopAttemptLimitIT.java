package io.mailseal.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mailseal.testing.Eventually;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A next hop that sends its greeting one byte every 200 ms satisfies a per-read timeout for ever;
 * the attempt's total limit drops the connection when it passes.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS) // without a deadline these would hang, not fail
class HopAttemptLimitIT {
    @Test
    void aGreetingTricklingInIsCutAtTheAttemptLimit() throws Exception {
        AtomicBoolean hungUp = new AtomicBoolean();
        try (ServerSocket hop = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            Thread trickle =
                    new Thread(
                            () -> {
                                try (Socket s = hop.accept()) {
                                    OutputStream out = s.getOutputStream();
                                    out.write("220 ".getBytes(StandardCharsets.US_ASCII));
                                    while (true) {
                                        out.write('x');
                                        out.flush();
                                        Thread.sleep(
                                                200); // the peer's pace, not a wait in the test
                                    }
                                } catch (IOException e) {
                                    hungUp.set(true);
                                } catch (InterruptedException e) {
                                    Thread.currentThread().interrupt();
                                }
                            },
                            "trickling-hop");
            trickle.setDaemon(true);
            trickle.start();
            Properties p = new Properties();
            p.put("mail.smtp.host", "127.0.0.1");
            p.put("mail.smtp.port", Integer.toString(hop.getLocalPort()));
            p.put("mail.smtp.timeout", "2000");
            p.put("mail.smtp.connectiontimeout", "2000");
            p.put("mail.smtp.socketFactory", NoDelaySockets.INSTANCE);
            long start = System.nanoTime();
            assertThatThrownBy(
                            () ->
                                    HopTransport.connect(
                                            Session.getInstance(p), true, Duration.ofMillis(1500)))
                    .isInstanceOf(MessagingException.class)
                    .hasMessageStartingWith("no complete exchange within 1500 ms");
            assertThat(Duration.ofNanos(System.nanoTime() - start))
                    .isLessThan(Duration.ofMillis(3000));
            Eventually.await(
                    "the hop sees the connection dropped", Duration.ofSeconds(5), hungUp::get);
        }
    }
}
