package io.mailseal.demo;

import io.mailseal.demo.DemoPki.Issued;
import io.mailseal.demo.DemoPki.KeyKind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.bouncycastle.asn1.x509.KeyUsage;

/**
 * A bank and its customers on loopback, written to a directory: CA, bank signing key (PKCS#12 +
 * password file), customer certificates and keys, a TSA, a capture sink, and a relay.conf that ties
 * them together. Used by {@code mailseal demo} and the integration tests.
 */
public final class DemoWorld implements AutoCloseable {
    public static final String BANK_SENDER = "otp@bank.example";

    /** The other senders the bank's signing certificate names. */
    public static final List<String> BANK_SIGNERS =
            List.of("statements@bank.example", "service@bank.example", "notices@bank.example");

    private final Path dir;
    private final DemoPki pki;
    private final Map<String, Issued> customers = new LinkedHashMap<>();
    private final EmbeddedTsa tsa;
    private final CaptureSink sink;
    private final Issued bank;

    public DemoWorld(Path dir, Clock clock) throws IOException {
        this.dir = dir;
        this.pki = new DemoPki(clock, "mailseal demo CA");
        // the bank's domain identity: one certificate naming every sender the demo and tests sign
        // for (check-config refuses a signing policy whose sender the certificate does not name)
        // dual use: customers encrypt their mail to it too (inbound), and some clients (gpgsm)
        // refuse a certificate whose keyUsage lacks keyEncipherment
        Issued signer =
                pki.certificate(BANK_SENDER, KeyKind.RSA)
                        .keyUsage(
                                KeyUsage.digitalSignature
                                        | KeyUsage.nonRepudiation
                                        | KeyUsage.keyEncipherment)
                        .moreAddresses(BANK_SIGNERS.toArray(String[]::new))
                        .build();
        this.bank = signer;
        PkiFiles.writeCertificate(dir.resolve("certs/trust/ca.pem"), pki.ca().certificate());
        PkiFiles.writeCertificate(dir.resolve("certs/tsa/ca.pem"), pki.ca().certificate());
        Files.createDirectories(dir.resolve("certs/recipients"));
        char[] password = "demo-only-password".toCharArray();
        PkiFiles.writePkcs12(
                dir.resolve("keys/bank.p12"), signer, List.of(pki.ca().certificate()), password);
        Files.writeString(dir.resolve("keys/bank.pass"), new String(password) + "\n");
        Issued tsaCert = pki.timestampAuthority("mailseal demo TSA");
        this.tsa =
                new EmbeddedTsa(
                        tsaCert.key(),
                        tsaCert.certificate(),
                        List.of(pki.ca().certificate()),
                        clock);
        this.sink = new CaptureSink(Optional.of(dir.resolve("sink")));
    }

    /** Issues a customer certificate, publishes it in the recipients directory, keeps the key. */
    public Issued addCustomer(String address, KeyKind kind) throws IOException {
        Issued c = pki.customer(address, kind);
        return publish(address, c);
    }

    /**
     * Issues a customer certificate and keeps the key (customers/) without publishing it: the relay
     * learns it only from the customer's own signed mail (harvest).
     */
    public Issued addUnpublishedCustomer(String address, KeyKind kind) throws IOException {
        Issued c = pki.customer(address, kind);
        Path keys = dir.resolve("customers");
        PkiFiles.writeCertificate(keys.resolve(address + ".crt"), c.certificate());
        PkiFiles.writePrivateKey(keys.resolve(address + ".key"), c);
        customers.put(address, c);
        return c;
    }

    /** The directory it lives in (relay.conf, certs/, keys/, customers/, sink/). */
    public Path directory() {
        return dir;
    }

    /** Publishes any certificate (e.g. a deliberately bad one) for {@code address}. */
    public Issued publish(String address, Issued c) throws IOException {
        PkiFiles.writeCertificate(
                dir.resolve("certs/recipients/" + address + ".pem"), c.certificate());
        Path keys = dir.resolve("customers");
        PkiFiles.writeCertificate(keys.resolve(address + ".crt"), c.certificate());
        PkiFiles.writePrivateKey(keys.resolve(address + ".key"), c);
        customers.put(address, c);
        return c;
    }

    /** relay.conf for this world; {@code policies} is the HOCON list body. */
    public Path writeConfig(String policies) throws IOException {
        return writeConfig(policies, "");
    }

    /**
     * As {@link #writeConfig(String)}, with {@code extra} HOCON merged over the defaults (e.g. smtp
     * limits).
     */
    public Path writeConfig(String policies, String extra) throws IOException {
        String conf =
                """
                mailseal {
                  smtp { listen = "127.0.0.1:0", hostname = "mailseal.demo.invalid", allowed-clients = ["127.0.0.0/8"] }
                  admin.listen = "127.0.0.1:0"
                  spool.directory = spool
                  identities = [ { domain = "bank.example", keystore = "keys/bank.p12", password-file = "keys/bank.pass" } ]
                  certificates {
                    trust-anchors = "certs/trust"
                    sources = [ { type = directory, path = "certs/recipients" } ]
                  }
                  timestamp { urls = ["%s"], trust-anchors = "certs/tsa", timeout = 2s }
                  delivery { smarthost = "127.0.0.1:%d", tls = none }
                  policies = [
                %s
                  ]
                %s
                }
                """
                        .formatted(tsa.url(), sink.port(), policies, extra);
        Path file = dir.resolve("relay.conf");
        Files.writeString(file, conf);
        return file;
    }

    public DemoPki pki() {
        return pki;
    }

    /** The bank's identity: what customers encrypt to (it names service@bank.example too). */
    public Issued bank() {
        return bank;
    }

    public Issued customer(String address) {
        return customers.get(address);
    }

    public EmbeddedTsa tsa() {
        return tsa;
    }

    public CaptureSink sink() {
        return sink;
    }

    @Override
    public void close() {
        sink.close();
        tsa.close();
    }
}
