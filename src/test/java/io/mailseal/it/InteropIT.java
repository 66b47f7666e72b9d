package io.mailseal.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.mailseal.app.Relay;
import io.mailseal.config.ConfigLoader;
import io.mailseal.demo.CaptureSink.CapturedMessage;
import io.mailseal.demo.DemoPki.KeyKind;
import io.mailseal.demo.DemoWorld;
import io.mailseal.demo.SubmissionClient;
import io.mailseal.it.ReaderEngine.Outcome;
import io.mailseal.testing.Capabilities;
import io.mailseal.testing.ExternalTool;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.smime.SMIMECapability;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 10: every envelope mailseal can write, sent through the running relay to RSA and EC
 * customers, handed to the engines real mail clients use (OpenSSL, NSS, gpgsm); signed-only mail
 * checked as delivered and after a {@link RewrappingHop}. The measurements become
 * target/interop/INTEROP.md, which must equal docs/INTEROP.md when the engines' versions are the
 * ones recorded there ({@code -Dinterop.docs=write} rewrites docs/INTEROP.md instead).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class InteropIT {
    /**
     * One customer per envelope choice; {@code advertises} goes into the certificate's S/MIME
     * Capabilities extension; {@code envelope} is what the message must turn out to be.
     */
    record Customer(
            String address,
            KeyKind kind,
            List<SMIMECapability> advertises,
            String setting,
            String envelope) {}

    static final Customer DEFAULT_RSA =
            new Customer(
                    "rsa@customer.example",
                    KeyKind.RSA,
                    List.of(),
                    "`auto` (the default)",
                    "AES-256-CBC EnvelopedData, RSA PKCS#1 v1.5");
    static final List<Customer> CUSTOMERS =
            List.of(
                    DEFAULT_RSA,
                    new Customer(
                            "oaep@customer.example",
                            KeyKind.RSA,
                            List.of(),
                            "override `key-transport = rsa-oaep`",
                            "AES-256-CBC EnvelopedData, RSAES-OAEP (SHA-256)"),
                    new Customer(
                            "oaep-sha1@customer.example",
                            KeyKind.RSA,
                            List.of(),
                            "override `key-transport = rsa-oaep-sha1`",
                            "AES-256-CBC EnvelopedData, RSAES-OAEP (SHA-1)"),
                    new Customer(
                            "gcm@customer.example",
                            KeyKind.RSA,
                            List.of(
                                    Capabilities.AES_256_GCM,
                                    Capabilities.OAEP_SHA256,
                                    Capabilities.AES_256_CBC),
                            "`auto`, certificate lists AES-256-GCM and RSAES-OAEP (SHA-256)",
                            "AES-256-GCM AuthEnvelopedData, RSAES-OAEP (SHA-256)"),
                    new Customer(
                            "ec@customer.example",
                            KeyKind.EC,
                            List.of(),
                            "`auto`, EC certificate",
                            "AES-256-CBC EnvelopedData, ECDH (SHA-256 KDF)"),
                    new Customer(
                            "ec-gcm@customer.example",
                            KeyKind.EC,
                            List.of(),
                            "override `content-encryption = aes-256-gcm`, EC certificate",
                            "AES-256-GCM AuthEnvelopedData, ECDH (SHA-256 KDF)"));
    static final String POLICIES =
            """
            { name = statement, match { headers { "X-Mail-Class" = "statement" } }, action = encrypt,
              timestamp = required, on-missing-certificate = reject }
            { name = notice, match { headers { "X-Mail-Class" = "notice" } }, action = sign, timestamp = required }
            { name = default, action = pass }""";
    static final String OVERRIDES =
            """
            crypto.overrides = [
              { to = "oaep@customer.example", key-transport = rsa-oaep }
              { to = "oaep-sha1@customer.example", key-transport = rsa-oaep-sha1 }
              { to = "ec-gcm@customer.example", content-encryption = aes-256-gcm }
            ]""";
    static final Path REPORT = Path.of("target/interop/INTEROP.md");
    static final Path DOCS = Path.of("docs/INTEROP.md");

    @TempDir static Path dir;
    static DemoWorld world;
    static Relay relay;
    static SubmissionClient bank;
    static final List<ReaderEngine> engines = new ArrayList<>();
    static final InteropMatrix matrix = new InteropMatrix();

    @BeforeAll
    static void start() throws Exception {
        world = new DemoWorld(dir, Clock.systemUTC());
        for (Customer c : CUSTOMERS) {
            world.publish(
                    c.address(),
                    Capabilities.advertise(
                                    world.pki().certificate(c.address(), c.kind()),
                                    c.advertises().toArray(SMIMECapability[]::new))
                            .build());
        }
        relay =
                Relay.start(
                        ConfigLoader.load(world.writeConfig(POLICIES, OVERRIDES)),
                        Clock.systemUTC());
        bank = new SubmissionClient("127.0.0.1", relay.port());
        engines.add(new OpensslEngine(dir));
        List<InteropMatrix.Engine> missing = new ArrayList<>();
        if (ExternalTool.installed(dir, "cmsutil") && ExternalTool.installed(dir, "pk12util")) {
            engines.add(new NssEngine(dir));
        } else {
            missing.add(
                    new InteropMatrix.Engine(
                            "NSS", "not installed (libnss3-tools)", "Thunderbird, Evolution"));
        }
        if (ExternalTool.installed(dir, "gpgsm")) {
            engines.add(new GpgsmEngine(dir, world.pki().ca(), world::customer));
        } else {
            missing.add(
                    new InteropMatrix.Engine("gpgsm", "not installed (gpgsm)", "KMail, Kleopatra"));
        }
        for (ReaderEngine e : engines) {
            matrix.engine(new InteropMatrix.Engine(e.name(), e.version(), e.clients()));
        }
        missing.forEach(matrix::engine);
    }

    @AfterAll
    static void stop() throws Exception {
        for (ReaderEngine e : engines) {
            e.close();
        }
        if (relay != null) {
            relay.close();
        }
        if (world != null) {
            world.close();
        }
    }

    /** Sends the statement through the relay and returns what the customer's server received. */
    private static Path deliver(String to, String mailClass, String file) throws Exception {
        int before = world.sink().messages().size();
        assertThat(
                        bank.send(
                                        "statements@bank.example",
                                        List.of(to),
                                        InteropMail.message(to, mailClass))
                                .code())
                .isEqualTo(250);
        assertThat(world.sink().awaitMessages(before + 1, Duration.ofSeconds(15))).isTrue();
        CapturedMessage m = world.sink().messages().get(before);
        assertThat(m.recipients()).containsExactly(to);
        return Files.write(dir.resolve(file), m.content());
    }

    /** The signed content, failing the test when the engine does not verify the signature. */
    private static byte[] verified(ReaderEngine e, byte[] signedEntity, String what)
            throws Exception {
        Outcome verified = e.verify(signedEntity);
        assertThat(verified)
                .as("%s verifies the signature of %s", e.name(), what)
                .isInstanceOf(Outcome.Done.class);
        return ((Outcome.Done) verified).bytes();
    }

    @Test
    @Order(1)
    void everyEnvelopeOpensInTheEnginesThatSupportIt() throws Exception {
        for (Customer c : CUSTOMERS) {
            Path eml = deliver(c.address(), "statement", c.address() + ".eml");
            String envelope =
                    EnvelopeDescription.of(
                            ReaderEngine.envelopeDer(eml, dir.resolve(c.address() + ".der")));
            assertThat(envelope).as("envelope for %s", c.setting()).isEqualTo(c.envelope());
            String row = envelope + " — " + c.setting();
            for (ReaderEngine e : engines) {
                Outcome opened = e.open(eml, c.address());
                if (opened instanceof Outcome.Done d) {
                    // an engine that decrypts must also verify the signature inside and see the
                    // bank's content
                    InteropMail.assertSameAs(verified(e, d.bytes(), row), e.name() + ", " + row);
                    if (e instanceof OpensslEngine) {
                        TimestampCheck.opensslVerifiesToken(
                                dir,
                                Files.write(dir.resolve(c.address() + ".signed"), d.bytes()),
                                Instant.now());
                    }
                    matrix.envelope(row, e.name(), "opens");
                } else {
                    matrix.envelope(
                            row, e.name(), "refuses: " + ((Outcome.Refused) opened).reason());
                }
            }
        }
        String defaultRow = DEFAULT_RSA.envelope() + " — " + DEFAULT_RSA.setting();
        assertThat(matrix.cells(defaultRow))
                .as("the default envelope opens everywhere")
                .allSatisfy(
                        (engine, cell) -> assertThat(cell).as(engine).isIn("opens", "not tested"));
        assertThat(matrix.column("OpenSSL"))
                .as("OpenSSL opens every envelope mailseal writes")
                .containsOnly("opens");
    }

    @Test
    @Order(2)
    void signedOnlyMailVerifiesInEveryEngineAlsoAfterAHopThatRewrapsIt() throws Exception {
        Path eml = deliver("nocert@customer.example", "notice", "signed.eml");
        byte[] delivered = Files.readAllBytes(eml);
        assertThat(new String(delivered, StandardCharsets.ISO_8859_1)).contains("multipart/signed");
        byte[] hopped = RewrappingHop.forward(delivered);
        assertThat(hopped).as("the hop changed the message").isNotEqualTo(delivered);
        String asDelivered = "clear-signed mail as delivered";
        String afterHop = "the same after a hop (" + RewrappingHop.describe() + ")";
        for (ReaderEngine e : engines) {
            InteropMail.assertSameAs(
                    verified(e, delivered, asDelivered), e.name() + ", " + asDelivered);
            matrix.signature(asDelivered, e.name(), "verifies");
            InteropMail.assertSameAs(verified(e, hopped, afterHop), e.name() + ", " + afterHop);
            matrix.signature(afterHop, e.name(), "verifies");
        }
        TimestampCheck.opensslVerifiesToken(
                dir, Files.write(dir.resolve("hopped.eml"), hopped), Instant.now());
        matrix.signature(
                "CAdES-T timestamp token over the signature (RFC 3161), in every envelope and after the hop",
                "OpenSSL",
                "verifies (`openssl ts -verify`)");
    }

    /**
     * The hop has teeth: a signature over 8-bit content with long lines (openssl -binary) does not
     * survive it.
     */
    @Test
    @Order(3)
    void theHopBreaksASignatureOverFragileContent() throws Exception {
        Path content =
                Files.writeString(
                        dir.resolve("fragile.txt"),
                        InteropMail.message("x@customer.example", "none"));
        ExternalTool.ok(
                dir,
                "openssl",
                "pkcs12",
                "-in",
                "keys/bank.p12",
                "-passin",
                "file:keys/bank.pass",
                "-nodes",
                "-out",
                "bank.pem");
        ExternalTool.ok(
                dir,
                "openssl",
                "cms",
                "-sign",
                "-binary",
                "-in",
                content.toString(),
                "-signer",
                "bank.pem",
                "-out",
                "fragile.eml");
        byte[] signed = Files.readAllBytes(dir.resolve("fragile.eml"));
        ReaderEngine openssl = engines.get(0);
        assertThat(openssl.verify(signed)).isInstanceOf(Outcome.Done.class);
        Outcome afterHop = openssl.verify(RewrappingHop.forward(signed));
        assertThat(afterHop).isInstanceOf(Outcome.Refused.class);
        matrix.signature(
                "for comparison: `openssl cms -sign -binary` over the bank's 8-bit original, after the hop",
                openssl.name(),
                "refuses: " + ((Outcome.Refused) afterHop).reason());
    }

    @Test
    @Order(4)
    void theMatrixIsWrittenAndDocsInteropMdIsCurrent() throws Exception {
        for (ReaderEngine e : engines) {
            if (e instanceof GpgsmEngine g) {
                g.notes().forEach(matrix::note);
            }
        }
        String rendered = matrix.render();
        Files.createDirectories(REPORT.getParent());
        Files.writeString(REPORT, rendered);
        String all = Files.exists(DOCS) ? Files.readString(DOCS) : "";
        if ("write".equals(System.getProperty("interop.docs"))) {
            Files.writeString(DOCS, rendered + InteropDocs.inbound(all));
            return;
        }
        String docs = InteropDocs.outbound(all);
        assumeTrue(
                docs.contains(matrix.versionsMarker()),
                "docs/INTEROP.md was measured with other engine versions"
                        + " than this machine's ("
                        + matrix.versions()
                        + "); this run's matrix is in "
                        + REPORT);
        assertThat(rendered)
                .as(
                        "docs/INTEROP.md is out of date: compare with %s, or rewrite it with "
                                + "mvn -B verify -Dit.test=InteropIT -Dinterop.docs=write",
                        REPORT)
                .isEqualTo(docs);
    }
}
