package io.mailseal.testing;

import io.mailseal.demo.CaptureSink;
import io.mailseal.demo.CaptureSink.CapturedMessage;
import io.mailseal.demo.SubmissionClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The bank's mail the integration tests send, its customers, and how a customer opens what arrives.
 */
public final class BankMail {
    /**
     * One-time codes are encrypted, stamped, refused without a certificate; everything else passes.
     */
    public static final String POLICIES =
            """
            { name = otp, match { headers { "X-Mail-Class" = "otp" } }, action = encrypt,
              timestamp = required, on-missing-certificate = reject }
            { name = default, action = pass }""";

    public static final String ALICE = "alice@customer.example";
    public static final String BOB = "bob@customer.example";
    public static final String CAROL = "carol@customer.example";

    private BankMail() {}

    /** A one-time code mail (class otp) to {@code to}, with a Bcc the relay must drop. */
    public static String otp(String to, String code) {
        return """
                From: Example Bank <otp@bank.example>
                To: %s
                Bcc: audit@bank.example
                Subject: Your sign-in code
                Thread-Topic: Your sign-in code
                X-Mail-Class: otp
                Message-ID: <m-%d@bank.example>

                Your one-time code is %s.
                """
                .formatted(to, System.nanoTime(), code);
    }

    /**
     * openssl decrypts with the customer's key and verifies against the demo CA; returns the
     * plaintext.
     */
    public static String opensslOpens(Path dir, Path eml, String customer) throws Exception {
        return opensslOpens(dir, eml, customer, "certs/trust/ca.pem");
    }

    /** As {@link #opensslOpens(Path, Path, String)}, verifying against {@code caFile}. */
    public static String opensslOpens(Path dir, Path eml, String customer, String caFile)
            throws Exception {
        ExternalTool.ok(
                dir,
                "openssl",
                "cms",
                "-decrypt",
                "-in",
                eml.toString(),
                "-recip",
                "customers/" + customer + ".crt",
                "-inkey",
                "customers/" + customer + ".key",
                "-out",
                eml + ".dec");
        ExternalTool.ok(
                dir,
                "openssl",
                "cms",
                "-verify",
                "-in",
                eml + ".dec",
                "-CAfile",
                caFile,
                "-purpose",
                "any",
                "-out",
                eml + ".txt");
        return Files.readString(Path.of(eml + ".txt"));
    }

    /** The first message to {@code recipient} at {@code sink}; fails after 30 s. */
    public static CapturedMessage firstTo(CaptureSink sink, String recipient) throws Exception {
        return Eventually.value(
                        "a message to " + recipient + " at the sink",
                        Duration.ofSeconds(30),
                        () ->
                                sink.messages().stream()
                                        .filter(m -> m.recipients().contains(recipient))
                                        .findFirst(),
                        Optional::isPresent)
                .orElseThrow();
    }

    /**
     * For "nothing (else) arrived": sends a control message (a plain one the policy {@code default
     * = pass} lets through) after what is under test, waits until it arrived and the relay's spool
     * queue ({@code spool}{@code /queue}) is empty, so everything the relay accepted has been
     * delivered; returns every other message at the sink by then. Fails when that does not happen
     * in 10 s.
     */
    public static List<CapturedMessage> othersWhenControlArrived(
            SubmissionClient bank, CaptureSink sink, Path spool) throws Exception {
        String id = "<control-" + System.nanoTime() + "@bank.example>";
        SubmissionClient.Reply reply =
                bank.send(
                        "news@bank.example",
                        List.of("control@other.example"),
                        "From: news@bank.example\r\nTo: control@other.example\r\nSubject: control\r\nMessage-ID: "
                                + id
                                + "\r\n\r\ncontrol message\r\n");
        if (reply.code() != 250) {
            throw new AssertionError("the control message was refused: " + reply.line());
        }
        Eventually.await(
                "the control message " + id + " at the sink",
                Duration.ofSeconds(10),
                () -> controlIn(sink.messages(), id).isPresent());
        Path queue = spool.resolve("queue");
        Eventually.value(
                "nothing left in " + queue,
                Duration.ofSeconds(10),
                () -> {
                    if (!Files.isDirectory(queue)) {
                        return List.<Path>of();
                    }
                    try (Stream<Path> files = Files.list(queue)) {
                        return files.toList();
                    }
                },
                List::isEmpty);
        List<CapturedMessage> all = sink.messages();
        CapturedMessage control = controlIn(all, id).orElseThrow();
        return all.stream().filter(m -> m != control).toList();
    }

    private static Optional<CapturedMessage> controlIn(List<CapturedMessage> messages, String id) {
        return messages.stream().filter(m -> m.text().contains("Message-ID: " + id)).findFirst();
    }
}
