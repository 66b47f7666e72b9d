package io.mailseal.demo;

import io.mailseal.app.Relay;
import io.mailseal.crypto.ContentEncryption;
import io.mailseal.crypto.EnvelopeRecipient;
import io.mailseal.crypto.HeaderProtection;
import io.mailseal.crypto.KeyTransport;
import io.mailseal.crypto.KeyUnavailableException;
import io.mailseal.crypto.MessageSealer;
import io.mailseal.crypto.SignatureStamp;
import io.mailseal.crypto.SigningIdentity;
import io.mailseal.crypto.TimestampUnavailableException;
import io.mailseal.demo.CaptureSink.CapturedMessage;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

/**
 * The demo's customer-service round trip (issue 19): a customer's client signs and encrypts a
 * question to the bank's certificate; the inbound listener delivers it to the bank's mail server
 * decrypted, with {@code Authentication-Results: ...; smime=pass}, and harvests the customer's
 * certificate; the agent's plain reply leaves through the outbound listener sealed to it.
 */
final class CustomerServiceDemo {
    static final String CUSTOMER = "dora@customer.example";
    static final String SERVICE = "service@bank.example";
    static final String AUTHSERV = "mailseal.bank.example";

    /** A check of the demo: passed or not, what, and a detail. */
    @FunctionalInterface
    interface Check {
        void check(boolean ok, String what, String detail);
    }

    private CustomerServiceDemo() {}

    /** relay.conf additions: the inbound listener to the sink, and the harvest store. */
    static String config(DemoWorld world) {
        return """
                certificates.sources = [
                  { type = directory, path = "certs/recipients" }
                  { type = harvest, path = harvest }
                ]
                inbound {
                  listen = "127.0.0.1:0"
                  next-hop = "127.0.0.1:%d"
                  authserv-id = "%s"
                  allowed-clients = ["127.0.0.0/8"]
                  policies = [
                    { name = service, match { to = "service@bank.example" }, require = encrypted,
                      on-violation = reject }
                    { name = default, require = none }
                  ]
                }
                """
                .formatted(world.sink().port(), AUTHSERV);
    }

    /**
     * The customer's question in, checked at the bank's mail server; returns the agent's sealed
     * reply as it reached the customer's server, for the caller to open as her client would.
     */
    static Optional<CapturedMessage> roundTrip(
            DemoWorld world, Relay relay, String secret, Check check, PrintWriter out)
            throws IOException, MessagingException, InterruptedException {
        MimeMessage question = question(world, secret);
        int before = world.sink().messages().size();
        SubmissionClient.Reply reply =
                new SubmissionClient("127.0.0.1", relay.inboundPort())
                        .send(CUSTOMER, List.of(SERVICE), text(question));
        out.printf("  %s to %s (signed, AES-256-GCM): %s%n", CUSTOMER, SERVICE, reply.line());
        check.check(reply.code() == 250, "accepted by the inbound listener", "");
        if (!world.sink().awaitMessages(before + 1, Duration.ofSeconds(10))) {
            check.check(false, "arrived at the bank's mail server", "");
            return Optional.empty();
        }
        String delivered = world.sink().messages().get(before).text();
        check.check(delivered.contains(secret), "the agent reads it decrypted", "");
        check.check(
                delivered.startsWith("Authentication-Results: " + AUTHSERV + ";\r\n\tsmime=pass"),
                "verdict smime=pass",
                "Authentication-Results, RFC 7281");
        check.check(
                delivered.contains("X-Mailseal-Encrypted: yes; cipher=aes256-gcm"),
                "says it came encrypted",
                "X-Mailseal-Encrypted");
        check.check(
                Files.exists(world.directory().resolve("harvest/" + CUSTOMER + ".pem")),
                "customer's certificate harvested",
                "");
        SubmissionClient.Reply sent =
                new SubmissionClient("127.0.0.1", relay.port())
                        .send(
                                SERVICE,
                                List.of(CUSTOMER),
                                """
                                From: Example Bank <service@bank.example>
                                To: <%s>
                                Subject: Re: Card
                                In-Reply-To: <q-1@customer.example>
                                References: <q-1@customer.example>

                                Your card is blocked (%s).
                                """
                                        .formatted(CUSTOMER, secret));
        out.printf("  agent's reply to %s: %s%n", CUSTOMER, sent.line());
        check.check(sent.code() == 250, "reply accepted", "");
        if (!world.sink().awaitMessages(before + 2, Duration.ofSeconds(10))) {
            check.check(false, "reply arrived at the sink", "");
            return Optional.empty();
        }
        CapturedMessage sealed = world.sink().messages().get(before + 1);
        check.check(
                sealed.text().contains("In-Reply-To: <q-1@customer.example>"),
                "reply stays in the thread",
                "In-Reply-To");
        return Optional.of(sealed);
    }

    /** What the customer's client sends: signed with her key, encrypted to the bank's. */
    private static MimeMessage question(DemoWorld world, String secret)
            throws IOException, MessagingException {
        DemoPki.Issued dora = world.customer(CUSTOMER);
        MessageSealer sealer = new MessageSealer();
        MimeMessage signed;
        try {
            signed =
                    sealer.sign(
                            parse(
                                    "From: Dora <"
                                            + CUSTOMER
                                            + ">\r\nTo: "
                                            + SERVICE
                                            + "\r\nSubject: Card\r\n"
                                            + "Message-ID: <q-1@customer.example>\r\n"
                                            + "Content-Type: text/plain; charset=us-ascii\r\n\r\n"
                                            + "Please block my card; my reference is "
                                            + secret
                                            + ".\r\n"),
                            new SigningIdentity(dora.key(), dora.certificate(), List.of()),
                            SignatureStamp.NONE,
                            HeaderProtection.NONE);
        } catch (TimestampUnavailableException e) {
            throw new IllegalStateException("no timestamp was asked for", e);
        } catch (KeyUnavailableException e) {
            throw new IllegalStateException("a key in memory is always available", e);
        }
        return sealer.encrypt(
                signed,
                ContentEncryption.AES_256_GCM,
                List.of(new EnvelopeRecipient(world.bank().certificate(), KeyTransport.RSA_OAEP)));
    }

    private static MimeMessage parse(String text) throws MessagingException {
        return new MimeMessage(
                Session.getInstance(new Properties()),
                new ByteArrayInputStream(text.getBytes(StandardCharsets.US_ASCII)));
    }

    private static String text(MimeMessage m) throws IOException, MessagingException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        m.writeTo(out);
        return out.toString(StandardCharsets.ISO_8859_1);
    }
}
