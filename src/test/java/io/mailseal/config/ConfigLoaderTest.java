package io.mailseal.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mailseal.config.DeliveryConfig.TlsLevel;
import io.mailseal.config.PolicyConfig.Action;
import io.mailseal.config.PolicyConfig.MissingCertificate;
import io.mailseal.config.PolicyConfig.TimestampMode;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
    @TempDir Path dir;

    private RelayConfig load(String text) throws IOException {
        Path file = dir.resolve("relay.conf");
        Files.writeString(file, text);
        return ConfigLoader.load(file);
    }

    private ConfigException problems(String text) {
        Path file = dir.resolve("relay.conf");
        try {
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        try {
            ConfigLoader.load(file);
        } catch (ConfigException e) {
            return e;
        }
        throw new AssertionError("expected a ConfigException");
    }

    @Test
    void shippedRelayConfIsValid() {
        RelayConfig c = ConfigLoader.load(Path.of("relay.conf"));
        assertThat(c.policies())
                .extracting(PolicyConfig::name)
                .containsExactly("otp", "password-reset", "statement", "service", "default");
        assertThat(c.policies().get(0).maxAge()).contains(Duration.ofMinutes(10));
        assertThat(c.policies().get(2).deliveryTls()).contains(TlsLevel.ENCRYPT);
        assertThat(c.identities()).hasSize(2);
    }

    @Test
    void emptyFileGivesDefaults() throws IOException {
        RelayConfig c = load("");
        assertThat(c.smtp().listen()).isEqualTo(new HostPort("0.0.0.0", 2525));
        assertThat(c.smtp().maxMessageSize()).isEqualTo(50L << 20);
        assertThat(c.smtp().maxRecipients()).isEqualTo(100);
        assertThat(c.delivery().tls()).isEqualTo(DeliveryConfig.TlsLevel.MAY);
        assertThat(c.timestamp().timeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(c.certificates().cache().negativeTtl()).isEqualTo(Duration.ofMinutes(5));
        assertThat(c.certificates().revocation())
                .isEqualTo(CertificatesConfig.Revocation.SOFT_FAIL);
        assertThat(c.certificates().revocationTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(c.policies()).isEmpty();
    }

    @Test
    void evidenceIsOffByDefaultAndLivesBesideTheSpool() throws IOException {
        RelayConfig c = load("mailseal { spool.directory = q/spool }");
        assertThat(c.evidence().enabled()).isFalse();
        assertThat(c.evidence().directory()).isEqualTo(dir.resolve("q/evidence"));
        assertThat(c.evidence().anchorInterval()).isEqualTo(Duration.ofMinutes(10));
        assertThat(c.evidence().retention()).isEqualTo(Duration.ofDays(3653));
    }

    @Test
    void evidenceProblemsNameKeyAndValue() {
        ConfigException e =
                problems(
                        "mailseal { spool.directory = s, evidence { enabled = true, directory = s,"
                                + " anchor-interval = 2s, retention = 1h } }");
        assertThat(e.problems())
                .contains(
                        "mailseal.evidence.anchor-interval: \"2s\" is shorter than 10s",
                        "mailseal.evidence.retention: \"1h\" is shorter than one day",
                        "mailseal.evidence.directory: \"s\" is mailseal.spool.directory");
    }

    @Test
    void inboundIsReadWithTheIntakesRulesAndItsOwnKeys() throws IOException {
        assertThat(load("").inbound()).isEmpty();
        RelayConfig c =
                load(
                        """
                        mailseal.inbound {
                          next-hop = "mail.bank.internal:25"
                          authserv-id = "mailseal.bank.example"
                          allowed-clients = ["10.20.0.0/16"]
                          max-message-size = 10MiB
                          policies = [
                            { name = service, match { to = "service@bank.example" },
                              require = encrypted, on-violation = reject }
                            { name = default, require = none, on-violation = tag }
                          ]
                        }
                        """);
        InboundConfig in = c.inbound().orElseThrow();
        assertThat(in.intake().listen()).isEqualTo(new HostPort("0.0.0.0", 2526));
        assertThat(in.intake().maxMessageSize()).isEqualTo(10L << 20);
        assertThat(in.nextHop()).isEqualTo(new HostPort("mail.bank.internal", 25));
        assertThat(in.authservId()).isEqualTo("mailseal.bank.example");
        assertThat(in.policies())
                .extracting(InboundConfig.InboundPolicy::require)
                .containsExactly(
                        InboundConfig.Requirement.ENCRYPTED, InboundConfig.Requirement.NONE);
        assertThat(in.policies().get(0).match().to()).isPresent();
    }

    @Test
    void inboundProblemsNameKeyAndValue() {
        ConfigException e =
                problems(
                        """
                        mailseal {
                          smtp.listen = "127.0.0.1:2600"
                          inbound {
                            listen = "127.0.0.1:2600"
                            authserv-id = "not an id;"
                            colour = blue
                            auth.users-file = users
                            policies = [
                              { name = a, require = encrypted-maybe, on-violation = shrug }
                              { name = a, match { to = "x@y" } }
                            ]
                          }
                        }
                        """);
        assertThat(e.problems())
                .contains(
                        "mailseal.inbound.next-hop: is missing (host:port of the bank's internal"
                                + " mail server)",
                        "mailseal.inbound.authserv-id: \"not an id;\" is not a host name (RFC 8601"
                                + " §2.5: the authserv-id is a domain name)",
                        "mailseal.inbound.listen: \"127.0.0.1:2600\" is also mailseal.smtp.listen:"
                                + " the two listeners need their own port",
                        "mailseal.inbound.policies[0].require: \"encrypted-maybe\" is not one of"
                                + " none | signed | encrypted | signed-and-encrypted",
                        "mailseal.inbound.policies[0].on-violation: \"shrug\" is not one of reject"
                                + " | tag",
                        "mailseal.inbound.policies[1]: is never reached: policy \"a\" before it has"
                                + " no match and catches every recipient",
                        "mailseal.inbound.policies[1].name: \"a\" is used by an earlier policy",
                        "mailseal.inbound.auth.users-file: AUTH is offered only after STARTTLS: set"
                                + " mailseal.inbound.tls.certificate and key")
                .anyMatch(p -> p.startsWith("mailseal.inbound.colour"));
    }

    @Test
    void relativePathsResolveAgainstTheConfigDirectory() throws IOException {
        RelayConfig c =
                load(
                        "mailseal { spool.directory = spool, certificates.trust-anchors = \"certs/trust\" }");
        assertThat(c.spoolDirectory()).isEqualTo(dir.resolve("spool"));
        assertThat(c.certificates().trustAnchors()).contains(dir.resolve("certs/trust"));
    }

    @Test
    void unknownKeysAreNamed() {
        ConfigException e =
                problems(
                        "mailseal { smtp { lisen = \"1.2.3.4:25\" }, spool { dir = x } }\nother = 1");
        assertThat(e.problems())
                .containsExactlyInAnyOrder(
                        "mailseal.smtp.lisen: unknown key",
                        "mailseal.spool.dir: unknown key",
                        "other: unknown key");
    }

    @Test
    void badValuesNameKeyAndValue() {
        ConfigException e =
                problems(
                        """
                mailseal {
                  smtp { listen = "nowhere", max-recipients = "many", max-message-size = "big",
                         allowed-clients = ["10.0.0.0/33", "example.com"] }
                  certificates.cache.ttl = "1 hr"
                  certificates.revocation = sometimes
                  delivery.tls = maybe
                }""");
        assertThat(e.problems())
                .containsExactlyInAnyOrder(
                        "mailseal.smtp.listen: \"nowhere\" is not host:port",
                        "mailseal.smtp.max-recipients: \"many\" is not a whole number",
                        "mailseal.smtp.max-message-size: \"big\" is not a size (e.g. 512KiB, 50MiB)",
                        "mailseal.smtp.allowed-clients: \"10.0.0.0/33\" has a prefix length outside 0..32",
                        "mailseal.smtp.allowed-clients: \"example.com\" is not an IP network (e.g. 10.0.0.0/8, ::1/128)",
                        "mailseal.certificates.cache.ttl: \"1 hr\" is not a duration (e.g. 30s, 10m, 1h)",
                        "mailseal.certificates.revocation: \"sometimes\" is not one of off | soft-fail | hard-fail",
                        "mailseal.delivery.tls: \"maybe\" is not one of none | may | encrypt | verify | dane");
    }

    @Test
    void tlsChecksAreReadAndTheirMistakesNamed() throws IOException {
        String pin = "sha256/" + "A".repeat(43) + "=";
        RelayConfig c =
                load(
                        "mailseal { tls-checks-interval = 2h, tls-checks = [ { target ="
                                + " \"mx.bank.example:25\", starttls = smtp, pins = [\""
                                + pin
                                + "\"], expect-ips = [\"192.0.2.1\"], warn-days = 14 } ] }");
        assertThat(c.tlsChecks().interval()).isEqualTo(java.time.Duration.ofHours(2));
        assertThat(c.tlsChecks().targets())
                .singleElement()
                .satisfies(
                        t -> {
                            assertThat(t.target().toString()).isEqualTo("mx.bank.example:25");
                            assertThat(t.starttls()).isTrue();
                            assertThat(t.pins()).containsExactly(pin);
                            assertThat(t.warnDays()).isEqualTo(14);
                        });
        assertThat(load("").tlsChecks().interval()).isEqualTo(java.time.Duration.ofHours(6));
        assertThat(
                        problems(
                                        "mailseal.tls-checks = [ { target = \"api:443\", starttls ="
                                                + " imap, pins = [\"md5/x\"], expect-ips ="
                                                + " [\"api.example\"] }, { warn-days = 3 } ]")
                                .problems())
                .containsExactlyInAnyOrder(
                        "mailseal.tls-checks[0].starttls: \"imap\" is not one of none | smtp",
                        "mailseal.tls-checks[0].pins: \"md5/x\" is not sha256/ and 44 base64",
                        "mailseal.tls-checks[0].expect-ips: \"api.example\" is not an IP address",
                        "mailseal.tls-checks[1].target: is missing (host:port of the server to"
                                + " check)");
    }

    @Test
    void missingFileIsNamed() {
        assertThatThrownBy(() -> ConfigLoader.load(dir.resolve("nope.conf")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("nope.conf: no such file");
    }

    @Test
    void syntaxErrorIsReportedWithTheFile() {
        assertThat(problems("mailseal { smtp { ").getMessage()).contains("relay.conf");
    }

    @Test
    void identitiesNeedOneMatchAndOnePasswordSource() {
        ConfigException e =
                problems(
                        """
                mailseal.identities = [
                  { address = "otp@bank.example", domain = "bank.example", keystore = k.p12, password-env = X }
                  { address = "not an address", keystore = k.p12 }
                  { domain = "bank.example", keystore = k.p12, password-env = X, password = "secret" }
                ]""");
        assertThat(e.problems())
                .containsExactlyInAnyOrder(
                        "mailseal.identities[0].address: give exactly one of address or domain",
                        "mailseal.identities[1].address: \"not an address\" is not a mail address",
                        "mailseal.identities[1].password-env: give exactly one of password-env or password-file",
                        "mailseal.identities[2].password: unknown key");
        assertThat(e.getMessage()).doesNotContain("secret");
    }

    @Test
    void policiesReadWithDefaultsAndValidation() throws IOException {
        RelayConfig c =
                load(
                        """
                mailseal.timestamp.urls = ["http://127.0.0.1:1/tsr"]
                mailseal.policies = [
                  { name = otp, match { headers { "X-Mail-Class" = "otp" }, to = "*@Example.COM" }, action = encrypt }
                  { name = statements, match { from = "/^statements@/" , subject = "Statement" }, action = sign }
                  { name = default, action = pass }
                ]""");
        PolicyConfig otp = c.policies().get(0);
        assertThat(otp.action()).isEqualTo(Action.ENCRYPT);
        assertThat(otp.timestamp()).isEqualTo(TimestampMode.REQUIRED);
        assertThat(otp.protectHeaders()).isTrue();
        assertThat(otp.onMissingCertificate()).isEqualTo(MissingCertificate.REJECT);
        assertThat(otp.outerSubject()).isEqualTo("[...]");
        assertThat(otp.match().to().orElseThrow().matches("a@example.com")).isTrue();
        assertThat(otp.match().to().orElseThrow().matches("a@example.com.evil")).isFalse();
        PolicyConfig st = c.policies().get(1);
        assertThat(st.protectHeaders()).isTrue();
        assertThat(st.hideHeaders())
                .extracting(PolicyConfig.TextPattern::text)
                .containsExactly("X-*", "Thread-Topic", "Thread-Index", "Keywords", "Comments");
        assertThat(st.match().from().orElseThrow().matches("statements@bank.example")).isTrue();
        assertThat(st.match().from().orElseThrow().matches("x.statements@bank.example")).isFalse();
        assertThat(c.policies().get(2).timestamp()).isEqualTo(TimestampMode.OFF);
    }

    @Test
    void shadowedPoliciesBadRegexAndDuplicateNamesAreErrors() {
        ConfigException e =
                problems(
                        """
                mailseal.policies = [
                  { name = a, match { subject = "(unclosed" }, action = encrypt }
                  { name = a, action = pass }
                  { name = b, match { to = "*@x" }, action = sign, colour = blue }
                  { name = c }
                  { name = DSN, action = pass }
                ]""");
        assertThat(e.problems())
                .anySatisfy(
                        p ->
                                assertThat(p)
                                        .startsWith(
                                                "mailseal.policies[0].match.subject: \"(unclosed\" is not a valid regex"));
        assertThat(e.problems())
                .contains(
                        "mailseal.policies[1].name: \"a\" is used by an earlier policy",
                        "mailseal.policies[2]: is never reached: policy \"a\" before it has no match and catches every recipient",
                        "mailseal.policies[2].colour: unknown key",
                        "mailseal.policies[3].action: is missing (encrypt | sign | pass | reject)",
                        "mailseal.policies[4].name: \"DSN\" is reserved: the relay's own delivery status notifications go"
                                + " under it");
    }

    @Test
    void requiredTimestampNeedsAnAuthority() {
        ConfigException e = problems("mailseal.policies = [ { name = otp, action = encrypt } ]");
        assertThat(e.problems())
                .containsExactly(
                        "mailseal.policies[0].timestamp: \"required\" (policy otp) but mailseal.timestamp.urls is empty");
    }

    @Test
    void allowedClientsMatchByNetwork() throws IOException {
        SmtpConfig smtp =
                load("mailseal.smtp.allowed-clients = [\"10.1.0.0/16\", \"2001:db8::/32\"]").smtp();
        assertThat(smtp.allows(InetAddress.getByName("10.1.200.3"))).isTrue();
        assertThat(smtp.allows(InetAddress.getByName("10.2.0.1"))).isFalse();
        assertThat(smtp.allows(InetAddress.getByName("2001:db8::1"))).isTrue();
        assertThat(smtp.allows(InetAddress.getByName("127.0.0.1"))).isFalse();
    }

    @Test
    void httpSourceReadWithDefaultsAndValidated() throws IOException {
        CertificatesConfig.HttpSource h =
                (CertificatesConfig.HttpSource)
                        load("""
                mailseal.certificates.sources = [ { type = http, url = "https://keys.bank.example/certs/{address}" } ]""")
                                .certificates()
                                .sources()
                                .get(0);
        assertThat(h.timeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(h.tokenFile()).isEmpty();
        h =
                (CertificatesConfig.HttpSource)
                        load("""
                mailseal.certificates.sources = [ { type = http, url = "http://127.0.0.1:8080/k?mail={address}",
                  timeout = 500ms, bearer-token-file = "keys/ks.token", token-header = X-Api-Key } ]""")
                                .certificates()
                                .sources()
                                .get(0);
        assertThat(h.tokenFile()).contains(dir.resolve("keys/ks.token"));
        assertThat(h.tokenHeader()).contains("X-Api-Key");

        ConfigException e =
                problems(
                        """
                mailseal.certificates.sources = [
                  { type = http }
                  { type = http, url = "https://keys.bank.example/certs/" }
                  { type = http, url = "ftp://keys.bank.example/{address}" }
                  { type = http, url = "https://{address}.keys.example/cert" }
                  { type = http, url = "https://keys.bank.example/{address}", token-header = "X Key", timeout = 0s }
                  { type = gopher }
                ]""");
        assertThat(e.problems())
                .containsExactlyInAnyOrder(
                        "mailseal.certificates.sources[0].url: is missing (e.g. \"https://keys.bank.example/certs/{address}\")",
                        "mailseal.certificates.sources[1].url: \"https://keys.bank.example/certs/\" must contain {address}",
                        "mailseal.certificates.sources[2].url: \"ftp://keys.bank.example/{address}\" is not an http:// or https:// URL",
                        "mailseal.certificates.sources[3].url: \"https://{address}.keys.example/cert\" must have {address} in the "
                                + "path or query, not the host",
                        "mailseal.certificates.sources[4].token-header: needs bearer-token-file (the token it carries)",
                        "mailseal.certificates.sources[4].token-header: \"X Key\" is not an HTTP header name",
                        "mailseal.certificates.sources[4].timeout: \"0s\" must be positive",
                        "mailseal.certificates.sources[5].type: \"gopher\" is not a source type (directory | ldap | http | harvest | smimea)");
    }

    @Test
    void harvestStoreDefaultsToBesideTheSpoolAndThereIsOnlyOne() throws IOException {
        assertThat(
                        load("""
                mailseal { spool.directory = "state/spool", certificates.sources = [ { type = harvest } ] }""")
                                .certificates()
                                .sources())
                .containsExactly(
                        new CertificatesConfig.HarvestSource(dir.resolve("state/harvest")));
        assertThat(
                        load("mailseal.certificates.sources = [ { type = harvest, path = h } ]")
                                .certificates()
                                .sources())
                .containsExactly(new CertificatesConfig.HarvestSource(dir.resolve("h")));
        assertThat(
                        load("mailseal.certificates.sources = [ { type = harvest } ]")
                                .certificates()
                                .sources())
                .containsExactly(
                        new CertificatesConfig.HarvestSource(Path.of("/var/lib/mailseal/harvest")));
        assertThat(
                        problems(
                                        "mailseal.certificates.sources = [ { type = harvest }, { type = harvest, path = x } ]")
                                .problems())
                .containsExactly(
                        "mailseal.certificates.sources: has more than one harvest source; "
                                + "certs import needs to know which one to fill");
    }

    @Test
    void cacheRefreshesAheadAt80PercentOfTheTtlUnlessToldAndAlwaysBeforeItExpires()
            throws IOException {
        assertThat(load("").certificates().cache().refreshAfter())
                .isEqualTo(Duration.ofMinutes(48));
        assertThat(
                        load("mailseal.certificates.cache.ttl = 10m")
                                .certificates()
                                .cache()
                                .refreshAfter())
                .isEqualTo(Duration.ofMinutes(8));
        assertThat(
                        load("mailseal.certificates.cache { ttl = 10m, refresh-after = 5m }")
                                .certificates()
                                .cache()
                                .refreshAfter())
                .isEqualTo(Duration.ofMinutes(5));
        assertThat(
                        problems("mailseal.certificates.cache { ttl = 10m, refresh-after = 1h }")
                                .problems())
                .containsExactly(
                        "mailseal.certificates.cache.refresh-after: \"1h\" must be shorter than ttl (\"10m\")");
    }

    @Test
    void intakeLimitsHaveDefaultsAndRefuseBadValues() throws IOException {
        SmtpConfig.Limits d = load("").smtp().limits();
        assertThat(d)
                .isEqualTo(
                        new SmtpConfig.Limits(
                                1000,
                                100 * 1024,
                                1000,
                                200,
                                50,
                                Duration.ofMinutes(5),
                                Duration.ofMinutes(5),
                                20,
                                1000,
                                1000,
                                Runtime.getRuntime().maxMemory() / 100 * 40,
                                1024,
                                Duration.ofMinutes(5)));
        ConfigException e =
                problems(
                        """
                mailseal.smtp { max-line-length = 998, max-header-size = 0, max-messages-per-connection = 0,
                  max-connections = -1, max-connections-per-client = x, command-timeout = 2d, data-timeout = 0s }""");
        assertThat(e.problems())
                .containsExactlyInAnyOrder(
                        "mailseal.smtp.max-line-length: 998 must be at least 1000",
                        "mailseal.smtp.max-header-size: 0 must be positive",
                        "mailseal.smtp.max-messages-per-connection: 0 must be at least 1",
                        "mailseal.smtp.max-connections: -1 must be at least 1",
                        "mailseal.smtp.max-connections-per-client: \"x\" is not a whole number",
                        "mailseal.smtp.command-timeout: \"2d\" must be at most 1d",
                        "mailseal.smtp.data-timeout: \"0s\" must be positive");
    }

    @Test
    void aMessageMustFitInTheMemoryBudget() throws IOException {
        assertThat(
                        problems("mailseal.smtp { max-message-size = 10MiB, memory-budget = 5MiB }")
                                .problems())
                .containsExactly(
                        "mailseal.smtp.max-message-size: 10485760 bytes is more than"
                                + " mailseal.smtp.memory-budget (5242880 bytes): a message must fit"
                                + " in the budget");
        SmtpConfig.Limits l =
                load("mailseal.smtp { max-message-size = 10MiB, memory-budget = 10MiB,"
                                + " min-data-rate = 2KiB, command-deadline = 1m }")
                        .smtp()
                        .limits();
        assertThat(l.memoryBudget()).isEqualTo(10L << 20);
        assertThat(l.minDataRate()).isEqualTo(2048);
        assertThat(l.commandDeadline()).isEqualTo(Duration.ofMinutes(1));
    }

    @Test
    void tlsNeedsCertificateAndKeyAndAuthNeedsTls() throws IOException {
        SmtpConfig smtp =
                load("mailseal.smtp { tls { certificate = c.pem, key = k.pem, require = true },"
                                + " auth.users-file = users }")
                        .smtp();
        assertThat(smtp.tls())
                .contains(new SmtpConfig.Tls(dir.resolve("c.pem"), dir.resolve("k.pem"), true));
        assertThat(smtp.authUsersFile()).contains(dir.resolve("users"));
        assertThat(load("").smtp().tls()).isEmpty();
        assertThat(
                        problems(
                                        "mailseal.smtp { tls.certificate = c.pem, auth.users-file = users }")
                                .problems())
                .containsExactlyInAnyOrder(
                        "mailseal.smtp.tls.key: is missing: give both certificate and key",
                        "mailseal.smtp.auth.users-file: AUTH is offered only after STARTTLS: set "
                                + "mailseal.smtp.tls.certificate and key");
        assertThat(problems("mailseal.smtp.tls { require = true, ciphers = all }").problems())
                .containsExactlyInAnyOrder(
                        "mailseal.smtp.tls.require: is true but there is no certificate and key",
                        "mailseal.smtp.tls.ciphers: unknown key");
    }

    @Test
    void aPolicyMayRaiseTheDeliveryTlsLevelButNotLowerIt() throws IOException {
        RelayConfig c =
                load(
                        """
                mailseal.delivery.tls = may
                mailseal.policies = [
                  { name = statement, match { from = "statements@bank.example" }, action = pass, delivery-tls = encrypt }
                  { name = news, match { from = "news@bank.example" }, action = pass, delivery-tls = may }
                  { name = default, action = pass }
                ]""");
        assertThat(c.policies())
                .extracting(PolicyConfig::deliveryTls)
                .containsExactly(
                        Optional.of(TlsLevel.ENCRYPT), Optional.of(TlsLevel.MAY), Optional.empty());
        assertThat(
                        problems(
                                        """
                mailseal.delivery.tls = encrypt
                mailseal.policies = [
                  { name = news, match { from = "news@bank.example" }, action = pass, delivery-tls = may }
                  { name = default, action = pass, delivery-tls = always }
                ]""")
                                .problems())
                .containsExactlyInAnyOrder(
                        "mailseal.policies[0].delivery-tls: \"may\" (policy news) is weaker than mailseal.delivery.tls = "
                                + "encrypt: a policy can raise the level, never lower it",
                        "mailseal.policies[1].delivery-tls: \"always\" is not one of none | may | encrypt | verify | dane");
    }

    @Test
    void tlsTrustAnchorsNeedVerifyGloballyOrInAPolicy() throws IOException {
        assertThat(
                        load("""
                mailseal.delivery.tls-trust-anchors = smtp-ca
                mailseal.policies = [ { name = bank, action = pass, delivery-tls = verify } ]""")
                                .delivery()
                                .tlsTrustAnchors())
                .contains(dir.resolve("smtp-ca"));
        assertThat(problems("mailseal.delivery.tls-trust-anchors = smtp-ca").problems())
                .containsExactly(
                        "mailseal.delivery.tls-trust-anchors: \"smtp-ca\" is only used with tls = verify, dsn-tls ="
                                + " verify or a policy's delivery-tls = verify");
        assertThat(
                        load("""
                mailseal.delivery { tls-trust-anchors = smtp-ca, dsn-tls = verify }""")
                                .delivery()
                                .tlsTrustAnchors())
                .contains(dir.resolve("smtp-ca"));
    }

    @Test
    void dsnTlsMayRaiseTheDeliveryTlsLevelButNotLowerIt() throws IOException {
        assertThat(load("mailseal.delivery.tls = may").delivery().dsnTls()).isEmpty();
        assertThat(load("mailseal.delivery { tls = may, dsn-tls = encrypt }").delivery().dsnTls())
                .contains(TlsLevel.ENCRYPT);
        assertThat(problems("mailseal.delivery { tls = encrypt, dsn-tls = none }").problems())
                .containsExactly(
                        "mailseal.delivery.dsn-tls: \"none\" is weaker than mailseal.delivery.tls ="
                                + " encrypt: DSNs can be sent at a stricter level, never a weaker one");
        assertThat(problems("mailseal.delivery.dsn-tls = always").problems())
                .containsExactly(
                        "mailseal.delivery.dsn-tls: \"always\" is not one of none | may | encrypt | verify | dane");
    }
}
