package io.mailseal.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.mailseal.app.Relay;
import io.mailseal.config.ConfigLoader;
import io.mailseal.demo.CaptureSink.CapturedMessage;
import io.mailseal.demo.DemoPki.KeyKind;
import io.mailseal.demo.DemoWorld;
import io.mailseal.demo.PkiFiles;
import io.mailseal.demo.SubmissionClient;
import io.mailseal.testing.ExternalTool;
import io.mailseal.testing.OpensslCustomerMail;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 19's interop: customer mail whose CMS each engine's own tool made (OpenSSL {@code cms}, NSS
 * {@code cmsutil}, gpgsm, BouncyCastle), in the MIME of RFC 8551, sent through the inbound
 * listener: the bank's mail server must get the signed content byte for byte with {@code
 * smime=pass}; content changed after signing must get {@code smime=fail}. The results are the
 * inbound part of docs/INTEROP.md.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class InboundInteropIT {
    static final String SERVICE = "service@bank.example";
    static final String INFO = "info@bank.example";
    static final String AUTHSERV = "mailseal.bank.example";
    static final Path REPORT = Path.of("target/interop/INTEROP-inbound.md");
    static final Pattern RESULT = Pattern.compile("smime=(\\w+)(?: reason=\"([^\"]*)\")?");
    static final Pattern CIPHER = Pattern.compile("X-Mailseal-Encrypted: yes; cipher=(\\S+)");

    @TempDir static Path dir;
    static DemoWorld world;
    static Relay relay;
    static SubmissionClient customers;
    static Path bankPem;
    static final List<CustomerEngine> engines = new ArrayList<>();
    static final List<String> versions = new ArrayList<>();
    static final Map<String, Map<String, String>> table = new LinkedHashMap<>();

    @BeforeAll
    static void start() throws Exception {
        world = new DemoWorld(dir, Clock.systemUTC());
        bankPem = PkiFiles.writeCertificate(dir.resolve("bank.pem"), world.bank().certificate());
        Path conf =
                world.writeConfig(
                        "{ name = default, action = pass }",
                        """
                        inbound {
                          listen = "127.0.0.1:0"
                          next-hop = "127.0.0.1:%d"
                          authserv-id = "%s"
                          allowed-clients = ["127.0.0.0/8"]
                          policies = [
                            { name = service, match { to = "service@bank.example" },
                              require = signed-and-encrypted, on-violation = tag }
                          ]
                        }
                        """
                                .formatted(world.sink().port(), AUTHSERV));
        relay = Relay.start(ConfigLoader.load(conf), Clock.systemUTC());
        customers = new SubmissionClient("127.0.0.1", relay.inboundPort());
        OpensslEngine openssl = new OpensslEngine(dir);
        engines.add(openssl);
        versions.add("OpenSSL " + openssl.version());
        if (ExternalTool.installed(dir, "cmsutil") && ExternalTool.installed(dir, "pk12util")) {
            NssEngine nss = new NssEngine(dir);
            engines.add(nss);
            versions.add("NSS " + nss.version());
        }
        if (ExternalTool.installed(dir, "gpgsm")) {
            GpgsmEngine gpgsm = new GpgsmEngine(dir, world.pki().ca(), world::customer);
            engines.add(gpgsm);
            versions.add("gpgsm " + gpgsm.version());
        }
        engines.add(new BouncyCastleCustomer(world::customer));
        versions.add(
                "BouncyCastle "
                        + new org.bouncycastle.jce.provider.BouncyCastleProvider().getVersionStr());
        for (CustomerEngine e : engines) {
            world.addCustomer(customer(e), KeyKind.RSA);
        }
    }

    @AfterAll
    static void stop() throws Exception {
        for (CustomerEngine e : engines) {
            if (e instanceof ReaderEngine r) {
                r.close();
            }
        }
        if (relay != null) {
            relay.close();
        }
        if (world != null) {
            world.close();
        }
    }

    private static String customer(CustomerEngine e) {
        return e.name().toLowerCase(Locale.ROOT) + "@customer.example";
    }

    private static byte[] content() {
        return OpensslCustomerMail.CONTENT.getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    @Order(1)
    void signedThenEncryptedIsDecryptedAndPasses() throws Exception {
        for (CustomerEngine e : engines) {
            byte[] signed =
                    CustomerMime.multipartSigned(content(), e.signDetached(content(), customer(e)));
            byte[] envelope = e.envelope(signed, bankPem);
            CapturedMessage m =
                    deliver(e, SERVICE, CustomerMime.enveloped(envelope, e.authEnveloped()));
            String cell = cell(m);
            record(
                    "signed (multipart/signed), then encrypted to the bank's RSA certificate",
                    e,
                    cell);
            assertThat(cell).as(e.name()).startsWith("pass");
            assertThat(firstPart(m)).as(e.name()).isEqualTo(OpensslCustomerMail.CONTENT);
            assertThat(m.text()).doesNotContain("pkcs7-mime");
        }
    }

    @Test
    @Order(2)
    void signedOnlyPasses() throws Exception {
        for (CustomerEngine e : engines) {
            byte[] signed =
                    CustomerMime.multipartSigned(content(), e.signDetached(content(), customer(e)));
            CapturedMessage m = deliver(e, INFO, signed);
            String cell = cell(m);
            record("signed only (multipart/signed)", e, cell);
            assertThat(cell).as(e.name()).isEqualTo("pass");
            assertThat(firstPart(m)).as(e.name()).isEqualTo(OpensslCustomerMail.CONTENT);
        }
    }

    @Test
    @Order(3)
    void contentChangedAfterSigningFails() throws Exception {
        for (CustomerEngine e : engines) {
            byte[] signature = e.signDetached(content(), customer(e));
            byte[] changed =
                    OpensslCustomerMail.CONTENT
                            .replace("sperren", "entsperren")
                            .getBytes(StandardCharsets.US_ASCII);
            CapturedMessage m = deliver(e, INFO, CustomerMime.multipartSigned(changed, signature));
            String cell = cell(m);
            record("signed only, content changed after signing", e, cell);
            assertThat(cell).as(e.name()).startsWith("fail");
        }
    }

    @Test
    @Order(4)
    void theInboundTableIsWrittenAndDocsInteropMdIsCurrent() throws Exception {
        String rendered = render();
        Files.createDirectories(REPORT.getParent());
        Files.writeString(REPORT, rendered);
        String all = Files.exists(InteropIT.DOCS) ? Files.readString(InteropIT.DOCS) : "";
        if ("write".equals(System.getProperty("interop.docs"))) {
            Files.writeString(InteropIT.DOCS, InteropDocs.outbound(all) + rendered);
            return;
        }
        String docs = InteropDocs.inbound(all);
        assumeTrue(
                docs.startsWith(marker()),
                "docs/INTEROP.md's inbound part was measured with other engine versions than this"
                        + " machine's ("
                        + String.join(", ", versions)
                        + "); this run's table is in "
                        + REPORT);
        assertThat(rendered)
                .as(
                        "docs/INTEROP.md's inbound part is out of date: compare with %s, or"
                                + " rewrite it with mvn -B verify -Dit.test=InboundInteropIT"
                                + " -Dinterop.docs=write",
                        REPORT)
                .isEqualTo(docs);
    }

    private static CapturedMessage deliver(CustomerEngine e, String to, byte[] entity)
            throws Exception {
        int before = world.sink().messages().size();
        SubmissionClient.Reply r =
                customers.send(
                        customer(e),
                        List.of(to),
                        CustomerMime.message(
                                customer(e), to, "Frage an die Bank (" + e.name() + ")", entity));
        assertThat(r.code()).as(e.name() + ": " + r.line()).isEqualTo(250);
        assertThat(world.sink().awaitMessages(before + 1, Duration.ofSeconds(15))).isTrue();
        return world.sink().messages().get(before);
    }

    /** "pass (aes256-cbc)", "pass", or "fail: <reason>", from the delivered header fields. */
    private static String cell(CapturedMessage m) {
        String text = m.text();
        assertThat(text).startsWith("Authentication-Results: " + AUTHSERV + ";");
        Matcher result = RESULT.matcher(text);
        assertThat(result.find()).isTrue();
        String cell = result.group(1) + (result.group(2) == null ? "" : ": " + result.group(2));
        Matcher cipher = CIPHER.matcher(text);
        return cipher.find() ? cell + " (" + cipher.group(1) + ")" : cell;
    }

    private static synchronized void record(String row, CustomerEngine e, String cell) {
        table.computeIfAbsent(row, k -> new LinkedHashMap<>()).put(e.name(), cell);
    }

    private static String marker() {
        return InteropDocs.INBOUND_MARKER
                + "; measured with: "
                + String.join(", ", versions)
                + " -->";
    }

    private static String render() {
        StringBuilder md = new StringBuilder(marker()).append('\n');
        md.append("# Inbound: which customers' engines mailseal reads\n\n")
                .append(
                        "Written by the integration test `InboundInteropIT` (`mvn verify`). Each engine's\n")
                .append(
                        "own tool makes the customer's CMS (a detached signature with the customer's RSA\n")
                .append(
                        "key, an envelope to the bank's RSA certificate with the engine's default\n")
                .append(
                        "algorithms); the test wraps them in RFC 8551's MIME, sends the mail through the\n")
                .append("inbound listener and reads what the bank's mail server receives.\n\n");
        InteropMatrix.table(
                md, "customer mail", engines.stream().map(CustomerEngine::name).toList(), table);
        md.append("\n\"pass (cipher)\": `Authentication-Results: ")
                .append(AUTHSERV)
                .append("; smime=pass`, the delivered\n")
                .append("signed content byte-identical to what the customer signed, and\n")
                .append(
                        "`X-Mailseal-Encrypted` naming the cipher the engine chose; \"fail\" quotes the\n")
                .append(
                        "verdict's reason. OpenSSL's own S/MIME output (RSA PKCS#1 v1.5 and OAEP, EC,\n")
                .append(
                        "AES-CBC and AES-GCM, opaque signed-data, encrypted-then-signed) is also read by\n")
                .append("`MessageOpenerTest` and `InboundIT`. After a deliberate change:\n")
                .append("`mvn -B verify -Dit.test=InboundInteropIT -Dinterop.docs=write`.\n");
        return md.toString();
    }

    private static String firstPart(CapturedMessage m) throws Exception {
        MimeMessage message =
                new MimeMessage(
                        Session.getInstance(new Properties()),
                        new ByteArrayInputStream(m.content()));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ((MimeMultipart) message.getContent()).getBodyPart(0).writeTo(out);
        return out.toString(StandardCharsets.ISO_8859_1);
    }
}
