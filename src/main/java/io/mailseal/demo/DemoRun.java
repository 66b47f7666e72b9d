package io.mailseal.demo;

import io.mailseal.app.Relay;
import io.mailseal.config.ConfigLoader;
import io.mailseal.crypto.Inspection;
import io.mailseal.crypto.SealedMessageReader;
import io.mailseal.crypto.SealedMessageReader.DecryptionKey;
import io.mailseal.crypto.TimestampVerifier;
import io.mailseal.demo.CaptureSink.CapturedMessage;
import io.mailseal.demo.DemoPki.KeyKind;
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
 * {@code mailseal demo}: a bank sends one-time codes through a real relay on loopback to an RSA
 * customer, an EC customer and one without a certificate; every arrival is opened as the customer's
 * client would and checked. Prints a report; true when every check held.
 */
public final class DemoRun {
    /** The four uses of DESIGN.md, as in the shipped relay.conf. */
    static final String POLICIES =
            """
                    { name = otp, match { headers { "X-Mail-Class" = "otp" } }, action = encrypt,
                      timestamp = required, on-missing-certificate = reject, max-age = 10m }
                    { name = password-reset, match { headers { "X-Mail-Class" = "password-reset" } },
                      action = encrypt, timestamp = required, on-missing-certificate = reject, max-age = 30m }
                    { name = statement, match { from = "statements@bank.example" }, action = encrypt,
                      timestamp = required, on-missing-certificate = sign-only }
                    { name = service, match { from = "service@bank.example" }, action = encrypt,
                      timestamp = required, on-missing-certificate = sign-only }
                    { name = default, action = pass }""";

    private enum Expect {
        ENCRYPTED,
        SIGNED,
        REFUSED
    }

    private final Path dir;
    private final PrintWriter out;
    private final Clock clock = Clock.systemUTC();
    private final List<String> failures = new ArrayList<>();

    public DemoRun(Path dir, PrintWriter out) {
        this.dir = dir;
        this.out = out;
    }

    private record Customer(String address, KeyKind kind) {}

    public boolean run() throws IOException, MessagingException, InterruptedException {
        List<Customer> customers =
                List.of(
                        new Customer("alice@customer.example", KeyKind.RSA),
                        new Customer("bob@customer.example", KeyKind.EC),
                        new Customer("carol@customer.example", null));
        try (DemoWorld world = new DemoWorld(dir, clock)) {
            for (Customer c : customers) {
                if (c.kind() != null) {
                    world.addCustomer(c.address(), c.kind());
                }
            }
            world.addUnpublishedCustomer(CustomerServiceDemo.CUSTOMER, KeyKind.RSA);
            Path conf = world.writeConfig(POLICIES, CustomerServiceDemo.config(world));
            try (Relay relay = Relay.start(ConfigLoader.load(conf), clock)) {
                out.printf(
                        "mailseal demo — relay on 127.0.0.1:%d, TSA %s, sink 127.0.0.1:%d%n%n",
                        relay.port(), world.tsa().url(), world.sink().port());
                SubmissionClient bank = new SubmissionClient("127.0.0.1", relay.port());
                out.println("1. one-time codes (policy otp: encrypt, refuse without certificate)");
                for (Customer c : customers) {
                    deliver(
                            world,
                            bank,
                            c,
                            DemoWorld.BANK_SENDER,
                            "X-Mail-Class: otp\nSubject: Your sign-in code",
                            "Your one-time code is %s. It expires in 5 minutes.",
                            c.kind() == null ? Expect.REFUSED : Expect.ENCRYPTED);
                }
                Customer alice = customers.get(0);
                Customer carol = customers.get(2);
                out.println(
                        "2. password reset (policy password-reset: encrypt, refuse without certificate)");
                for (Customer c : List.of(alice, carol)) {
                    deliver(
                            world,
                            bank,
                            c,
                            "security@bank.example",
                            "X-Mail-Class: password-reset\nSubject: Reset",
                            "Your temporary password is %s. Change it after signing in.",
                            c.kind() == null ? Expect.REFUSED : Expect.ENCRYPTED);
                }
                out.println(
                        "3. e-statements (policy statement: encrypt, signed only without certificate)");
                for (Customer c : List.of(alice, carol)) {
                    deliver(
                            world,
                            bank,
                            c,
                            "statements@bank.example",
                            "Subject: Your November statement",
                            "Your statement is ready; reference %s.",
                            c.kind() == null ? Expect.SIGNED : Expect.ENCRYPTED);
                }
                out.println(
                        "4. customer service replies (policy service: encrypt, signed only without certificate)");
                for (Customer c : List.of(customers.get(1), carol)) {
                    deliver(
                            world,
                            bank,
                            c,
                            "service@bank.example",
                            "Subject: Re: your question",
                            "Dear customer, your case %s is solved.",
                            c.kind() == null ? Expect.SIGNED : Expect.ENCRYPTED);
                }
                out.println(
                        "5. customer service both ways (inbound listener: decrypt, verify, harvest;"
                                + " the reply sealed to the harvested certificate)");
                String secret = String.format("%06d", new SecureRandom().nextInt(1_000_000));
                CustomerServiceDemo.roundTrip(world, relay, secret, this::check, out)
                        .ifPresent(
                                reply ->
                                        inspect(
                                                world,
                                                new Customer(
                                                        CustomerServiceDemo.CUSTOMER, KeyKind.RSA),
                                                reply,
                                                secret,
                                                true));
            }
        }
        out.printf("%nfiles: %s (relay.conf, certs/, keys/, customers/, sink/*.eml)%n", dir);
        out.println(
                failures.isEmpty()
                        ? "result: every check held"
                        : "result: FAILED: " + String.join("; ", failures));
        out.flush();
        return failures.isEmpty();
    }

    private void deliver(
            DemoWorld world,
            SubmissionClient bank,
            Customer c,
            String from,
            String headers,
            String bodyTemplate,
            Expect expect)
            throws MessagingException, InterruptedException {
        String secret = String.format("%06d", new SecureRandom().nextInt(1_000_000));
        int before = world.sink().messages().size();
        SubmissionClient.Reply reply =
                bank.send(
                        from,
                        List.of(c.address()),
                        """
                From: Example Bank <%s>
                To: <%s>
                %s
                Message-ID: <%s@bank.example>

                %s
                """
                                .formatted(
                                        from,
                                        c.address(),
                                        headers,
                                        java.util.UUID.randomUUID(),
                                        bodyTemplate.formatted(secret)));
        out.printf(
                "  to %s (%s certificate): %s%n",
                c.address(), c.kind() == null ? "no" : c.kind(), reply.line());
        if (expect == Expect.REFUSED) {
            check(
                    reply.code() == 550 && reply.text().startsWith("5.7.1"),
                    "refused with 550 5.7.1",
                    "the bank falls back to SMS");
            check(world.sink().messages().size() == before, "nothing forwarded", "");
            return;
        }
        check(reply.code() == 250, "accepted", "");
        if (!world.sink().awaitMessages(before + 1, Duration.ofSeconds(10))) {
            check(false, "arrived at the sink", "");
            return;
        }
        CapturedMessage m = world.sink().messages().get(before);
        if (expect == Expect.ENCRYPTED) {
            check(!m.text().contains(secret), "secret absent from the bytes on the wire", "");
        }
        inspect(world, c, m, secret, expect == Expect.ENCRYPTED);
    }

    private void inspect(
            DemoWorld world, Customer c, CapturedMessage m, String code, boolean encrypted) {
        Optional<DecryptionKey> key =
                Optional.ofNullable(world.customer(c.address()))
                        .map(k -> new DecryptionKey(k.key(), k.certificate()));
        Set<TrustAnchor> anchors = Set.of(new TrustAnchor(world.pki().ca().certificate(), null));
        try {
            MimeMessage msg =
                    new MimeMessage(
                            Session.getInstance(new Properties()),
                            new ByteArrayInputStream(m.content()));
            Inspection i = new SealedMessageReader().inspect(msg, key, anchors, new Date());
            check(
                    i.encrypted() == encrypted,
                    encrypted ? "encrypted" : "signed only, readable by any client",
                    encrypted ? i.contentEncryption() + ", " + i.keyManagement() : "");
            check(
                    i.signatureValid() && i.chainValid(),
                    "signed by the bank, chain trusted",
                    i.signerEmail() + ", " + i.signatureAlgorithm());
            check(
                    i.timestamp().isPresent(),
                    "timestamped",
                    i.timestamp()
                            .map(t -> "genTime " + t.getTimeStampInfo().getGenTime().toInstant())
                            .orElse(""));
            if (i.timestamp().isPresent()) {
                new TimestampVerifier(anchors).verify(i.timestamp().get(), i.signatureValue());
                check(true, "timestamp covers the signature, TSA trusted", "");
            }
            String text =
                    i.content().isPresent() ? String.valueOf(i.content().get().getContent()) : "";
            check(text.contains(code), "customer reads the text", "");
            check(i.problems().isEmpty(), "no problems", String.join("; ", i.problems()));
        } catch (Exception e) {
            check(false, "opened by the customer's client", e.getMessage());
        }
    }

    private void check(boolean ok, String what, String detail) {
        out.printf(
                "    [%s] %s%s%n",
                ok ? "ok" : "FAIL", what, detail.isEmpty() ? "" : " (" + detail + ")");
        if (!ok) {
            failures.add(what + (detail.isEmpty() ? "" : " (" + detail + ")"));
        }
    }
}
