package io.mailseal.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailseal.demo.CaptureSink.CapturedMessage;
import io.mailseal.demo.CaptureSink.Verb;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import org.eclipse.angus.mail.smtp.SMTPMessage;
import org.eclipse.angus.mail.smtp.SMTPTransport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The next hop of the demo and the integration tests, over real sockets on loopback. */
class CaptureSinkTest {
    static final String FIRST =
            "From: otp@bank.example\r\nTo: alice@customer.example\r\nSubject: code\r\n\r\n"
                    + "Your code is 123456\r\n.a line that starts with a dot\r\n..two dots\r\n\r\n";
    static final String SECOND =
            "From: statements@bank.example\r\nSubject: statement\r\n\r\nJune\r\n";

    @TempDir Path dir;
    CaptureSink sink;

    @BeforeEach
    void start() {
        sink = new CaptureSink(Optional.of(dir.resolve("sink")));
    }

    @AfterEach
    void stop() {
        sink.close();
    }

    @Test
    void twoMessagesFromAngusKeepTheirEnvelopeEveryRecipientAndTheirBytes() throws Exception {
        Properties p = new Properties();
        p.put("mail.smtp.host", InetAddress.getLoopbackAddress().getHostAddress());
        p.put("mail.smtp.port", Integer.toString(sink.port()));
        Session session = Session.getInstance(p);
        try (SMTPTransport t = (SMTPTransport) session.getTransport("smtp")) {
            t.connect();
            t.sendMessage(
                    message(session, "otp@bank.example", FIRST),
                    InternetAddress.parse(
                            "alice@customer.example, bob@customer.example, Carol@Customer.Example"));
            t.sendMessage(
                    message(session, "statements@bank.example", SECOND),
                    InternetAddress.parse("dave@customer.example"));
        }

        assertThat(sink.awaitMessages(2, Duration.ofSeconds(10))).isTrue();
        List<CapturedMessage> got = sink.messages();
        assertThat(got).hasSize(2);
        assertThat(got.get(0).envelopeFrom()).isEqualTo("otp@bank.example");
        assertThat(got.get(0).recipients())
                .containsExactly(
                        "alice@customer.example", "bob@customer.example", "Carol@Customer.Example");
        assertThat(got.get(0).text())
                .as("dot-unstuffed, no Received header added")
                .isEqualTo(FIRST);
        assertThat(got.get(1).envelopeFrom()).isEqualTo("statements@bank.example");
        assertThat(got.get(1).recipients()).containsExactly("dave@customer.example");
        assertThat(got.get(1).content()).isEqualTo(SECOND.getBytes(StandardCharsets.US_ASCII));
        assertThat(dir.resolve("sink/001.eml"))
                .hasBinaryContent(FIRST.getBytes(StandardCharsets.US_ASCII));
        assertThat(dir.resolve("sink/002.eml"))
                .hasBinaryContent(SECOND.getBytes(StandardCharsets.US_ASCII));
    }

    private static SMTPMessage message(Session session, String envelopeFrom, String rfc5322)
            throws Exception {
        SMTPMessage m =
                new SMTPMessage(
                        session,
                        new ByteArrayInputStream(rfc5322.getBytes(StandardCharsets.US_ASCII)));
        m.setEnvelopeFrom(envelopeFrom);
        return m;
    }

    @Test
    void nullSenderAndEightBitBytesArriveAsSent() throws Exception {
        byte[] latin1 =
                "Subject: bounce\r\n\r\nZ\u00fcrich \u00e9t\u00e9\r\n"
                        .getBytes(StandardCharsets.ISO_8859_1);
        try (Dialog d = new Dialog(sink.port())) {
            d.command("EHLO client.example");
            assertThat(d.command("MAIL FROM:<>")).startsWith("250");
            assertThat(d.command("RCPT TO:<alice@customer.example>")).startsWith("250");
            assertThat(d.command("DATA")).startsWith("354");
            d.write(latin1);
            assertThat(d.command(".")).startsWith("250");
        }
        CapturedMessage m = sink.messages().get(0);
        assertThat(m.envelopeFrom()).isEmpty();
        assertThat(m.content()).isEqualTo(latin1);
    }

    @Test
    void failAtRcptAnswersOnceWithTheConfiguredReply() throws Exception {
        sink.failNext(Verb.RCPT, 550, "5.1.1 no such user");
        try (Dialog d = new Dialog(sink.port())) {
            d.command("EHLO client.example");
            d.command("MAIL FROM:<otp@bank.example>");
            assertThat(d.command("RCPT TO:<alice@customer.example>"))
                    .isEqualTo("550 5.1.1 no such user");
            assertThat(d.command("RCPT TO:<bob@customer.example>")).startsWith("250");
            assertThat(d.send(SECOND)).startsWith("250");
        }
        assertThat(sink.messages())
                .singleElement()
                .satisfies(m -> assertThat(m.recipients()).containsExactly("bob@customer.example"));
    }

    @Test
    void a421AtRcptIsAnsweredAndTheConnectionClosed() throws Exception {
        sink.failNext(Verb.RCPT, 421, "4.3.2 try later");
        try (Dialog d = new Dialog(sink.port())) {
            d.command("EHLO client.example");
            d.command("MAIL FROM:<otp@bank.example>");
            assertThat(d.command("RCPT TO:<alice@customer.example>"))
                    .isEqualTo("421 4.3.2 try later");
            assertThat(d.reply()).as("closed after 421 (RFC 5321 §3.8)").isNull();
        }
        assertThat(deliverOne()).startsWith("250");
        assertThat(sink.messages()).hasSize(1);
    }

    @Test
    void failAtDataReadsTheWholeMessageThenRefusesAndTheSessionGoesOn() throws Exception {
        sink.failNext(Verb.DATA, 451, "4.3.0 disk full");
        try (Dialog d = new Dialog(sink.port())) {
            d.command("EHLO client.example");
            d.command("MAIL FROM:<otp@bank.example>");
            d.command("RCPT TO:<alice@customer.example>");
            assertThat(d.send(FIRST)).isEqualTo("451 4.3.0 disk full");
            assertThat(sink.messages()).isEmpty();

            d.command("MAIL FROM:<otp@bank.example>");
            d.command("RCPT TO:<alice@customer.example>");
            assertThat(d.send(SECOND)).startsWith("250");
        }
        assertThat(sink.messages())
                .singleElement()
                .satisfies(m -> assertThat(m.text()).isEqualTo(SECOND));
    }

    @Test
    void failAtMailAnswersTheConfiguredReply() throws Exception {
        sink.failNext(Verb.MAIL, 452, "4.3.1 insufficient system storage");
        try (Dialog d = new Dialog(sink.port())) {
            d.command("EHLO client.example");
            assertThat(d.command("MAIL FROM:<otp@bank.example>"))
                    .isEqualTo("452 4.3.1 insufficient system storage");
        }
    }

    @Test
    void dropAtDataClosesAfterTheFinalDotWithoutAReplyAndKeepsNothing() throws Exception {
        sink.dropNext(Verb.DATA);
        try (Dialog d = new Dialog(sink.port())) {
            d.command("EHLO client.example");
            d.command("MAIL FROM:<otp@bank.example>");
            d.command("RCPT TO:<alice@customer.example>");
            assertThat(d.send(FIRST)).isNull();
        }
        assertThat(sink.messages()).isEmpty();
        assertThat(deliverOne()).as("the next connection is served").startsWith("250");
    }

    @Test
    void dropAtRcptClosesWithoutAReply() throws Exception {
        sink.dropNext(Verb.RCPT);
        try (Dialog d = new Dialog(sink.port())) {
            d.command("EHLO client.example");
            d.command("MAIL FROM:<otp@bank.example>");
            assertThat(d.command("RCPT TO:<alice@customer.example>")).isNull();
        }
    }

    @Test
    void awaitMessagesGivesUpAtTheDeadline() throws Exception {
        long start = System.nanoTime();
        assertThat(sink.awaitMessages(1, Duration.ofMillis(200))).isFalse();
        assertThat(Duration.ofNanos(System.nanoTime() - start))
                .isGreaterThanOrEqualTo(Duration.ofMillis(200));
    }

    @Test
    void closeStopsListening() throws Exception {
        int port = sink.port();
        sink.close();
        assertThat(
                        org.assertj.core.api.Assertions.catchThrowable(
                                () -> new Socket(InetAddress.getLoopbackAddress(), port).close()))
                .isInstanceOf(java.net.ConnectException.class);
    }

    private String deliverOne() throws IOException {
        try (Dialog d = new Dialog(sink.port())) {
            d.command("EHLO client.example");
            d.command("MAIL FROM:<otp@bank.example>");
            d.command("RCPT TO:<alice@customer.example>");
            return d.send(SECOND);
        }
    }

    /** A raw SMTP conversation, to see replies and closed connections a library client hides. */
    private static final class Dialog implements AutoCloseable {
        private final Socket socket;
        private final BufferedReader in;
        private final OutputStream out;

        Dialog(int port) throws IOException {
            socket = new Socket(InetAddress.getLoopbackAddress(), port);
            socket.setSoTimeout(10_000);
            in =
                    new BufferedReader(
                            new InputStreamReader(
                                    socket.getInputStream(), StandardCharsets.ISO_8859_1));
            out = socket.getOutputStream();
            assertThat(reply()).startsWith("220");
        }

        /** The last line of the next reply; null when the server closed the connection. */
        String reply() throws IOException {
            String line;
            do {
                line = in.readLine();
            } while (line != null && line.length() > 3 && line.charAt(3) == '-');
            return line;
        }

        String command(String line) throws IOException {
            write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
            return reply();
        }

        /** DATA, the message dot-stuffed (RFC 5321 §4.5.2), the final dot; the reply to it. */
        String send(String message) throws IOException {
            assertThat(command("DATA")).startsWith("354");
            write(message.replaceAll("(?m)^\\.", "..").getBytes(StandardCharsets.US_ASCII));
            return command(".");
        }

        void write(byte[] bytes) throws IOException {
            out.write(bytes);
            out.flush();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
