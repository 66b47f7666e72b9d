package io.mailseal.demo;

import io.mailseal.config.ConfigLoader;
import io.mailseal.crypto.Inspection;
import io.mailseal.crypto.SealedMessageReader;
import io.mailseal.crypto.SealedMessageReader.DecryptionKey;
import io.mailseal.crypto.TimestampVerifier;
import io.mailseal.demo.CaptureSink.CapturedMessage;
import io.mailseal.demo.DemoPki.KeyKind;
import io.mailseal.smtp.Relay;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.TrustAnchor;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;

/**
 * {@code mailseal demo}: a bank sends one-time codes through a real relay on loopback to
 * an RSA customer, an EC customer and one without a certificate; every arrival is opened
 * as the customer's client would and checked. Prints a report; true when every check held.
 */
public final class DemoRun {
    static final String OTP_POLICY = """
                    { name = otp, match { headers { "X-Mail-Class" = "otp" } }, action = encrypt,
                      timestamp = required, on-missing-certificate = reject, max-age = 10m }
                    { name = default, action = pass }""";

    private final Path dir;
    private final PrintWriter out;
    private final Clock clock = Clock.systemUTC();
    private final List<String> failures = new ArrayList<>();

    public DemoRun(Path dir, PrintWriter out) {
        this.dir = dir;
        this.out = out;
    }

    private record Customer(String address, KeyKind kind) {
    }

    public boolean run() throws IOException, MessagingException, InterruptedException {
        List<Customer> customers = List.of(new Customer("alice@customer.example", KeyKind.RSA),
                new Customer("bob@customer.example", KeyKind.EC), new Customer("carol@customer.example", null));
        try (DemoWorld world = new DemoWorld(dir, clock)) {
            for (Customer c : customers) {
                if (c.kind() != null) {
                    world.addCustomer(c.address(), c.kind());
                }
            }
            Path conf = world.writeConfig(OTP_POLICY);
            try (Relay relay = Relay.start(ConfigLoader.load(conf), clock)) {
                out.printf("mailseal demo — relay on 127.0.0.1:%d, TSA %s, sink 127.0.0.1:%d%n%n", relay.port(),
                        world.tsa().url(), world.sink().port());
                SubmissionClient bank = new SubmissionClient("127.0.0.1", relay.port());
                for (Customer c : customers) {
                    oneTimeCode(world, bank, c);
                }
            }
        }
        out.printf("%nfiles: %s (relay.conf, certs/, keys/, customers/, sink/*.eml)%n", dir);
        out.println(failures.isEmpty() ? "result: every check held" : "result: FAILED: " + String.join("; ", failures));
        out.flush();
        return failures.isEmpty();
    }

    private void oneTimeCode(DemoWorld world, SubmissionClient bank, Customer c)
            throws MessagingException, InterruptedException {
        String code = String.format("%06d", new SecureRandom().nextInt(1_000_000));
        int before = world.sink().messages().size();
        SubmissionClient.Reply reply = bank.send(DemoWorld.BANK_SENDER, List.of(c.address()), """
                From: Example Bank <otp@bank.example>
                To: <%s>
                Subject: Your sign-in code
                X-Mail-Class: otp
                Message-ID: <%s@bank.example>

                Your one-time code is %s. It expires in 5 minutes.
                """.formatted(c.address(), java.util.UUID.randomUUID(), code));
        out.printf("one-time code to %s (%s certificate)%n  relay answered: %s%n", c.address(),
                c.kind() == null ? "no" : c.kind(), reply.line());
        if (c.kind() == null) {
            check(reply.code() == 550 && reply.text().startsWith("5.7.1"), c.address() + ": refused with 550 5.7.1",
                    "so the bank falls back to SMS");
            check(world.sink().messages().size() == before, c.address() + ": nothing forwarded", "");
            return;
        }
        check(reply.code() == 250, c.address() + ": accepted", "");
        if (!world.sink().awaitMessages(before + 1, Duration.ofSeconds(10))) {
            check(false, c.address() + ": arrived at the sink", "");
            return;
        }
        CapturedMessage m = world.sink().messages().get(before);
        check(!m.text().contains(code), c.address() + ": code absent from the bytes on the wire", "");
        inspect(world, c, m, code);
    }

    private void inspect(DemoWorld world, Customer c, CapturedMessage m, String code) {
        DemoPki.Issued key = world.customer(c.address());
        Set<TrustAnchor> anchors = Set.of(new TrustAnchor(world.pki().ca().certificate(), null));
        try {
            MimeMessage msg = new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(m.content()));
            Inspection i = new SealedMessageReader().inspect(msg,
                    Optional.of(new DecryptionKey(key.key(), key.certificate())), anchors, new Date());
            check(i.encrypted(), c.address() + ": encrypted", i.contentEncryption() + ", " + i.keyManagement());
            check(i.signatureValid() && i.chainValid(), c.address() + ": signed by the bank, chain trusted",
                    i.signerEmail() + ", " + i.signatureAlgorithm());
            check(i.timestamp().isPresent(), c.address() + ": timestamped", i.timestamp()
                    .map(t -> "genTime " + t.getTimeStampInfo().getGenTime().toInstant()).orElse(""));
            if (i.timestamp().isPresent()) {
                new TimestampVerifier(anchors).verify(i.timestamp().get(), i.signatureValue());
                check(true, c.address() + ": timestamp covers the signature, TSA trusted", "");
            }
            String text = i.content().isPresent() ? String.valueOf(i.content().get().getContent()) : "";
            check(text.contains(code), c.address() + ": decrypted text holds the code", "");
            check(i.problems().isEmpty(), c.address() + ": no problems", String.join("; ", i.problems()));
        } catch (Exception e) {
            check(false, c.address() + ": opened by the customer's key", e.getMessage());
        }
    }

    private void check(boolean ok, String what, String detail) {
        out.printf("  [%s] %s%s%n", ok ? "ok" : "FAIL", what, detail.isEmpty() ? "" : " (" + detail + ")");
        if (!ok) {
            failures.add(what);
        }
    }
}
