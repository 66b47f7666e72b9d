package io.mailseal.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.unboundid.ldap.listener.InMemoryDirectoryServer;
import com.unboundid.ldap.listener.InMemoryDirectoryServerConfig;
import com.unboundid.ldap.listener.InMemoryListenerConfig;
import com.unboundid.ldap.sdk.Attribute;
import com.unboundid.ldap.sdk.Entry;
import io.mailseal.app.Relay;
import io.mailseal.config.ConfigLoader;
import io.mailseal.demo.DemoPki;
import io.mailseal.demo.DemoPki.KeyKind;
import io.mailseal.demo.DemoWorld;
import io.mailseal.demo.SubmissionClient;
import io.mailseal.smtp.SmtpReply;
import io.mailseal.testing.BankMail;
import io.mailseal.testing.ExternalTool;
import io.mailseal.testing.LoopbackPorts;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Certificates from a real LDAP server (UnboundID in-memory) on loopback, and what an outage does.
 */
class LdapIT {
    @TempDir Path dir;

    @Test
    void certificateFromLdapIsUsedAndAnOutageIsTemporaryNotMissing() throws Exception {
        int port = LoopbackPorts.free();
        InMemoryDirectoryServerConfig cfg = new InMemoryDirectoryServerConfig("dc=bank,dc=example");
        cfg.setListenerConfigs(
                InMemoryListenerConfig.createLDAPConfig(
                        "ldap", InetAddress.getLoopbackAddress(), port, null));
        InMemoryDirectoryServer ldap = new InMemoryDirectoryServer(cfg);
        try (DemoWorld world = new DemoWorld(dir, Clock.systemUTC())) {
            DemoPki.Issued alice = world.pki().customer("alice@customer.example", KeyKind.RSA);
            ldap.add(
                    new Entry(
                            "dc=bank,dc=example",
                            new Attribute("objectClass", "top", "domain"),
                            new Attribute("dc", "bank")));
            ldap.add(
                    new Entry(
                            "ou=people,dc=bank,dc=example",
                            new Attribute("objectClass", "top", "organizationalUnit"),
                            new Attribute("ou", "people")));
            ldap.add(
                    new Entry(
                            "uid=alice,ou=people,dc=bank,dc=example",
                            new Attribute(
                                    "objectClass",
                                    "top",
                                    "person",
                                    "organizationalPerson",
                                    "inetOrgPerson"),
                            new Attribute("uid", "alice"),
                            new Attribute("cn", "Alice"),
                            new Attribute("sn", "Customer"),
                            new Attribute("mail", "alice@customer.example"),
                            new Attribute(
                                    "userSMIMECertificate", alice.certificate().getEncoded())));
            ldap.startListening();
            Files.createDirectories(dir.resolve("customers"));
            io.mailseal.demo.PkiFiles.writeCertificate(
                    dir.resolve("customers/alice.crt"), alice.certificate());
            io.mailseal.demo.PkiFiles.writePrivateKey(dir.resolve("customers/alice.key"), alice);
            Path conf =
                    world.writeConfig(
                            BankMail.POLICIES,
                            """
                    certificates.sources = [ { type = ldap, url = ["ldap://127.0.0.1:%d"],
                      base-dn = "ou=people,dc=bank,dc=example", timeout = 2s } ]"""
                                    .formatted(port));
            try (Relay relay = Relay.start(ConfigLoader.load(conf), Clock.systemUTC())) {
                SubmissionClient bank = new SubmissionClient("127.0.0.1", relay.port());
                assertThat(
                                bank.send(
                                                DemoWorld.BANK_SENDER,
                                                List.of("alice@customer.example"),
                                                BankMail.otp("alice@customer.example", "112233"))
                                        .code())
                        .isEqualTo(250);
                assertThat(world.sink().awaitMessages(1, Duration.ofSeconds(10))).isTrue();
                Path eml =
                        Files.write(dir.resolve("a.eml"), world.sink().messages().get(0).content());
                ExternalTool.ok(
                        dir,
                        "openssl",
                        "cms",
                        "-decrypt",
                        "-in",
                        eml.toString(),
                        "-recip",
                        "customers/alice.crt",
                        "-inkey",
                        "customers/alice.key",
                        "-out",
                        "a.dec");
                assertThat(
                                bank.send(
                                                DemoWorld.BANK_SENDER,
                                                List.of("nobody@customer.example"),
                                                BankMail.otp("nobody@customer.example", "1"))
                                        .code())
                        .isEqualTo(550);

                ldap.shutDown(true);
                assertThat(
                                bank.send(
                                                DemoWorld.BANK_SENDER,
                                                List.of("dave@customer.example"),
                                                BankMail.otp("dave@customer.example", "2"))
                                        .line())
                        .isEqualTo(
                                SmtpReply.CERTIFICATES_UNAVAILABLE.line("<dave@customer.example>"));
                assertThat(
                                bank.send(
                                                DemoWorld.BANK_SENDER,
                                                List.of("alice@customer.example"),
                                                BankMail.otp("alice@customer.example", "3"))
                                        .code())
                        .as("cached while LDAP is down")
                        .isEqualTo(250);

                ldap.startListening();
                assertThat(
                                bank.send(
                                                DemoWorld.BANK_SENDER,
                                                List.of("dave@customer.example"),
                                                BankMail.otp("dave@customer.example", "4"))
                                        .line())
                        .as("directory back: an answer again")
                        .isEqualTo(SmtpReply.NO_CERTIFICATE.line("<dave@customer.example>", "otp"));
            }
        } finally {
            ldap.shutDown(true);
        }
    }
}
