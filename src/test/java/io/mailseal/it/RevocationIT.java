package io.mailseal.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.mailseal.app.Relay;
import io.mailseal.config.ConfigLoader;
import io.mailseal.demo.CaptureSink.CapturedMessage;
import io.mailseal.demo.DemoPki;
import io.mailseal.demo.DemoPki.Issued;
import io.mailseal.demo.DemoPki.KeyKind;
import io.mailseal.demo.DemoWorld;
import io.mailseal.demo.PkiFiles;
import io.mailseal.demo.SubmissionClient;
import io.mailseal.smtp.SmtpReply;
import io.mailseal.testing.BankMail;
import io.mailseal.testing.Eventually;
import io.mailseal.testing.LoopbackPorts;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Revocation against real servers on loopback: an OCSP responder ({@code openssl ocsp} with an
 * index file, delegated responder certificate) and a CRL served over HTTP. What the sending system
 * sees for a one-time code: good → 250 and delivered encrypted; revoked by OCSP or by CRL → 550
 * 5.7.1 (no valid certificate); responder down → 451 4.4.3 under hard-fail, delivered under
 * soft-fail.
 */
class RevocationIT {
    static final String GOOD = "good@customer.example";
    static final String REVOKED = "revoked@customer.example";
    static final String CRL_REVOKED = "crl-revoked@customer.example";
    static final String CRL_GOOD = "crl-good@customer.example";
    static final DateTimeFormatter INDEX_TIME =
            DateTimeFormatter.ofPattern("yyMMddHHmmss'Z'").withZone(ZoneOffset.UTC);

    @TempDir Path dir;
    DemoWorld world;
    Process responder;
    HttpServer crlServer;
    int ocspPort;

    @BeforeEach
    void pki() throws Exception {
        world = new DemoWorld(dir, Clock.systemUTC());
        DemoPki pki = world.pki();
        ocspPort = LoopbackPorts.free();
        crlServer =
                HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 10);
        String ocspUrl = "http://127.0.0.1:" + ocspPort + "/";
        String crlUrl = "http://127.0.0.1:" + crlServer.getAddress().getPort() + "/ca.crl";
        Issued good =
                world.publish(GOOD, pki.certificate(GOOD, KeyKind.RSA).ocspUrl(ocspUrl).build());
        Issued revoked =
                world.publish(
                        REVOKED, pki.certificate(REVOKED, KeyKind.RSA).ocspUrl(ocspUrl).build());
        world.publish(CRL_GOOD, pki.certificate(CRL_GOOD, KeyKind.RSA).crlUrl(crlUrl).build());
        Issued crlRevoked =
                world.publish(
                        CRL_REVOKED,
                        pki.certificate(CRL_REVOKED, KeyKind.RSA).crlUrl(crlUrl).build());

        byte[] crl =
                pki.crl(
                        Instant.now().minus(Duration.ofMinutes(1)),
                        Instant.now().plus(Duration.ofDays(1)),
                        Map.of(
                                crlRevoked.certificate().getSerialNumber(),
                                Instant.now().minus(Duration.ofHours(1))));
        crlServer.createContext(
                "/ca.crl",
                ex -> {
                    ex.getResponseHeaders().set("Content-Type", "application/pkix-crl");
                    ex.sendResponseHeaders(200, crl.length);
                    ex.getResponseBody().write(crl);
                    ex.close();
                });
        crlServer.start();

        Path ocsp = Files.createDirectories(dir.resolve("ocsp"));
        Issued signer = pki.ocspResponder("mailseal test OCSP responder");
        PkiFiles.writeCertificate(ocsp.resolve("responder.pem"), signer.certificate());
        PkiFiles.writePrivateKey(ocsp.resolve("responder.key"), signer);
        PkiFiles.writeCertificate(ocsp.resolve("ca.pem"), pki.ca().certificate());
        Files.writeString(
                ocsp.resolve("index.txt"),
                index("V", good, null)
                        + index("R", revoked, Instant.now().minus(Duration.ofHours(2))));
        responder =
                new ProcessBuilder(
                                "openssl",
                                "ocsp",
                                "-index",
                                "index.txt",
                                "-port",
                                Integer.toString(ocspPort),
                                "-rsigner",
                                "responder.pem",
                                "-rkey",
                                "responder.key",
                                "-CA",
                                "ca.pem",
                                "-nmin",
                                "5",
                                "-ignore_err")
                        .directory(ocsp.toFile())
                        .redirectErrorStream(true)
                        .redirectOutput(ocsp.resolve("log").toFile())
                        .start();
        awaitListening(ocspPort);
    }

    private static String index(String status, Issued c, Instant revokedAt) {
        return status
                + "\t"
                + INDEX_TIME.format(c.certificate().getNotAfter().toInstant())
                + "\t"
                + (revokedAt == null ? "" : INDEX_TIME.format(revokedAt))
                + "\t"
                + c.certificate().getSerialNumber().toString(16).toUpperCase(java.util.Locale.ROOT)
                + "\tunknown\t"
                + "/"
                + c.certificate().getSubjectX500Principal().getName().replace(",", "/")
                + "\n";
    }

    @AfterEach
    void stop() throws Exception {
        if (responder != null) {
            responder.destroy();
            responder.waitFor(10, TimeUnit.SECONDS);
        }
        crlServer.stop(0);
        world.close();
    }

    private Relay relay(String mode) throws IOException {
        return Relay.start(
                ConfigLoader.load(
                        world.writeConfig(
                                BankMail.POLICIES,
                                "certificates { revocation = "
                                        + mode
                                        + ", revocation-timeout = 2s }")),
                Clock.systemUTC());
    }

    private static SubmissionClient.Reply otp(Relay relay, String to) throws Exception {
        return new SubmissionClient("127.0.0.1", relay.port())
                .send(DemoWorld.BANK_SENDER, List.of(to), BankMail.otp(to, "424242"));
    }

    @Test
    void ocspAndCrlAnswersDecideWhetherACodeIsSealedOrRefused() throws Exception {
        try (Relay relay = relay("hard-fail")) {
            assertThat(otp(relay, GOOD).code()).isEqualTo(250);
            assertThat(otp(relay, CRL_GOOD).code()).isEqualTo(250);
            assertThat(world.sink().awaitMessages(2, Duration.ofSeconds(15))).isTrue();
            assertThat(world.sink().messages())
                    .extracting(CapturedMessage::text)
                    .allSatisfy(
                            t -> assertThat(t).contains("enveloped-data").doesNotContain("424242"));

            SubmissionClient.Reply r = otp(relay, REVOKED);
            assertThat(r.line())
                    .isEqualTo(SmtpReply.NO_CERTIFICATE.line("<" + REVOKED + ">", "otp"));
            assertThat(otp(relay, CRL_REVOKED).line())
                    .isEqualTo(SmtpReply.NO_CERTIFICATE.line("<" + CRL_REVOKED + ">", "otp"));
            assertThat(
                            CommandLineIT.mailseal(
                                            "lookup",
                                            "-c",
                                            dir.resolve("relay.conf").toString(),
                                            REVOKED)
                                    .out())
                    .contains("revoked on")
                    .contains("OCSP http://127.0.0.1:" + ocspPort);
        }
    }

    @Test
    void aResponderThatDoesNotAnswerIsTemporaryUnderHardFailAndAWarningUnderSoftFail()
            throws Exception {
        responder.destroy();
        responder.waitFor(10, TimeUnit.SECONDS);
        try (Relay relay = relay("hard-fail")) {
            assertThat(otp(relay, GOOD).line())
                    .isEqualTo(SmtpReply.CERTIFICATES_UNAVAILABLE.line("<" + GOOD + ">"));
        }
        try (Relay relay = relay("soft-fail")) {
            assertThat(otp(relay, GOOD).code()).isEqualTo(250);
            assertThat(world.sink().awaitMessages(1, Duration.ofSeconds(15))).isTrue();
            String metrics =
                    new String(
                            java.net.http.HttpClient.newHttpClient()
                                    .send(
                                            java.net.http.HttpRequest.newBuilder(
                                                            java.net.URI.create(
                                                                    "http://127.0.0.1:"
                                                                            + relay.adminPort()
                                                                            + "/metrics"))
                                                    .build(),
                                            java.net.http.HttpResponse.BodyHandlers.ofByteArray())
                                    .body());
            assertThat(metrics).contains("mailseal_revocation_unknown_total 1.0");
        }
    }

    /**
     * A responder on the certificate's AIA URL that answers "good", but with a response no one may
     * trust: signed by a key the issuer never authorised, or stale (nextUpdate passed). Neither is
     * an answer: under hard-fail the code waits (451 4.4.3), it is not sent on the word of a
     * forger.
     */
    @Test
    void aForgedOrStaleGoodAnswerIsNoAnswer() throws Exception {
        DemoPki pki = world.pki();
        DemoPki rogue = new DemoPki(Clock.systemUTC(), "Rogue CA");
        Issued rogueSigner = rogue.ocspResponder("rogue responder");
        Issued authorisedSigner = pki.ocspResponder("real responder");
        java.util.concurrent.atomic.AtomicReference<Issued> signWith =
                new java.util.concurrent.atomic.AtomicReference<>();
        java.util.concurrent.atomic.AtomicReference<Instant> nextUpdate =
                new java.util.concurrent.atomic.AtomicReference<>();
        HttpServer fake =
                HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 10);
        fake.createContext(
                "/",
                ex -> {
                    try {
                        org.bouncycastle.cert.ocsp.OCSPReq req =
                                new org.bouncycastle.cert.ocsp.OCSPReq(
                                        ex.getRequestBody().readAllBytes());
                        Issued signer = signWith.get();
                        org.bouncycastle.cert.ocsp.BasicOCSPRespBuilder b =
                                new org.bouncycastle.cert.ocsp.BasicOCSPRespBuilder(
                                        new org.bouncycastle.cert.ocsp.RespID(
                                                org.bouncycastle.asn1.x500.X500Name.getInstance(
                                                        signer.certificate()
                                                                .getSubjectX500Principal()
                                                                .getEncoded())));
                        b.addResponse(
                                req.getRequestList()[0].getCertID(),
                                org.bouncycastle.cert.ocsp.CertificateStatus.GOOD,
                                java.util.Date.from(nextUpdate.get().minus(Duration.ofHours(2))),
                                java.util.Date.from(nextUpdate.get()));
                        b.setResponseExtensions(
                                new org.bouncycastle.asn1.x509.Extensions(
                                        req.getExtension(
                                                org.bouncycastle.asn1.ocsp.OCSPObjectIdentifiers
                                                        .id_pkix_ocsp_nonce)));
                        byte[] body =
                                new org.bouncycastle.cert.ocsp.OCSPRespBuilder()
                                        .build(
                                                org.bouncycastle.cert.ocsp.OCSPRespBuilder
                                                        .SUCCESSFUL,
                                                b.build(
                                                        DemoPki.signer(signer.key()),
                                                        new org.bouncycastle.cert
                                                                        .X509CertificateHolder[] {
                                                            new org.bouncycastle.cert.jcajce
                                                                    .JcaX509CertificateHolder(
                                                                    signer.certificate())
                                                        },
                                                        java.util.Date.from(Instant.now())))
                                        .getEncoded();
                        ex.getResponseHeaders().set("Content-Type", "application/ocsp-response");
                        ex.sendResponseHeaders(200, body.length);
                        ex.getResponseBody().write(body);
                    } catch (Exception e) {
                        ex.sendResponseHeaders(500, -1);
                    } finally {
                        ex.close();
                    }
                });
        fake.start();
        try {
            String url = "http://127.0.0.1:" + fake.getAddress().getPort() + "/";
            world.publish(
                    "forged@customer.example",
                    pki.certificate("forged@customer.example", KeyKind.RSA).ocspUrl(url).build());
            try (Relay relay = relay("hard-fail")) {
                signWith.set(rogueSigner);
                nextUpdate.set(Instant.now().plus(Duration.ofHours(1)));
                assertThat(otp(relay, "forged@customer.example").line())
                        .as("signed by a stranger")
                        .isEqualTo(
                                SmtpReply.CERTIFICATES_UNAVAILABLE.line(
                                        "<forged@customer.example>"));
                signWith.set(authorisedSigner);
                nextUpdate.set(Instant.now().minus(Duration.ofHours(1)));
                assertThat(otp(relay, "forged@customer.example").line())
                        .as("stale")
                        .isEqualTo(
                                SmtpReply.CERTIFICATES_UNAVAILABLE.line(
                                        "<forged@customer.example>"));
                nextUpdate.set(Instant.now().plus(Duration.ofHours(1)));
                assertThat(otp(relay, "forged@customer.example").code())
                        .as("fresh, by the delegated responder")
                        .isEqualTo(250);
            }
        } finally {
            fake.stop(0);
        }
    }

    /**
     * Waits for the responder's "waiting for OCSP client connections" line. A TCP probe would not
     * do: openssl ocsp serves one connection at a time and sits on an empty one.
     */
    private void awaitListening(int port) throws Exception {
        Path log = dir.resolve("ocsp/log");
        Eventually.await(
                "openssl ocsp listening on " + port,
                Duration.ofSeconds(20),
                () -> {
                    String out = Files.exists(log) ? Files.readString(log) : "";
                    if (!out.contains("waiting for OCSP client connections")
                            && !responder.isAlive()) {
                        throw new IOException("openssl ocsp exited: " + out);
                    }
                    return out.contains("waiting for OCSP client connections");
                });
    }
}
