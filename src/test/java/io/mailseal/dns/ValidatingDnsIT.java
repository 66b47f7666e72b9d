package io.mailseal.dns;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailseal.testing.LoopbackDns;
import io.mailseal.testing.SignedDns;
import io.mailseal.testing.SignedDns.Zone;
import io.mailseal.testing.TestResolvers;
import java.net.DatagramSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Type;

/**
 * The validating resolver against BIND 9 serving a signed {@code test.} on loopback, from the DS of
 * {@code test.} as trust anchor: secure, insecure (an unsigned delegation) and bogus (a signature
 * that does not verify) come out distinct, negative answers too, and one lookup never outlasts its
 * deadline.
 */
class ValidatingDnsIT {
    @TempDir static Path dir;
    static SignedDns named;
    static ValidatingDns dns;

    @BeforeAll
    static void start() throws Exception {
        named =
                SignedDns.start(
                        dir.resolve("named"),
                        Zone.signed("secure.test", "www A 127.0.0.7", "alias CNAME www"),
                        Zone.unsigned("plain.test", "www A 127.0.0.8"),
                        Zone.broken("broken.test", "127.0.0.9", "127.0.0.10", "www A 127.0.0.9"));
        dns = TestResolvers.over(named.port(), named.trustAnchors());
    }

    @AfterAll
    static void stop() {
        if (named != null) {
            named.close();
        }
    }

    private static DnsAnswer a(String name) throws Exception {
        return dns.lookup(Name.fromString(name), Type.A);
    }

    private static String address(DnsAnswer answer) {
        return ((ARecord) ((DnsAnswer.Records) answer).records().get(0))
                .getAddress()
                .getHostAddress();
    }

    @Test
    void aSignedAnswerThatChainsToTheAnchorIsSecure() throws Exception {
        DnsAnswer answer = a("www.secure.test.");
        assertThat(answer).isInstanceOf(DnsAnswer.Records.class);
        assertThat(((DnsAnswer.Records) answer).security()).isEqualTo(Security.SECURE);
        assertThat(address(answer)).isEqualTo("127.0.0.7");
    }

    @Test
    void aCnameIsFollowedAndStaysSecure() throws Exception {
        DnsAnswer answer = a("alias.secure.test.");
        assertThat(((DnsAnswer.Records) answer).security()).isEqualTo(Security.SECURE);
        assertThat(address(answer)).isEqualTo("127.0.0.7");
    }

    @Test
    void anUnsignedDelegationIsInsecure() throws Exception {
        DnsAnswer answer = a("www.plain.test.");
        assertThat(((DnsAnswer.Records) answer).security()).isEqualTo(Security.INSECURE);
        assertThat(address(answer)).isEqualTo("127.0.0.8");
    }

    @Test
    void aSignatureThatDoesNotVerifyIsBogusAndGivesNoData() throws Exception {
        assertThat(a("www.broken.test."))
                .isInstanceOfSatisfying(
                        DnsAnswer.Bogus.class, b -> assertThat(b.reason()).isNotBlank());
    }

    @Test
    void negativeAnswersAreProvedToo() throws Exception {
        assertThat(a("nothing.secure.test."))
                .isEqualTo(new DnsAnswer.NoSuchName(Security.SECURE, Duration.ofSeconds(60)));
        assertThat(dns.lookup(Name.fromString("www.secure.test."), Type.MX))
                .isEqualTo(
                        new DnsAnswer.Records(List.of(), Security.SECURE, Duration.ofSeconds(60)));
    }

    @Test
    void withTheRootAnchorsAnUnsignedRootIsBogusNotInsecure() throws Exception {
        ValidatingDns rooted =
                TestResolvers.over(
                        Optional.empty(),
                        TestResolvers.TIMEOUT,
                        Duration.ofSeconds(2),
                        named.port());
        assertThat(rooted.lookup(Name.fromString("www.secure.test."), Type.A))
                .as("the root's keys cannot be found here: nothing below it is believed")
                .isNotInstanceOf(DnsAnswer.Records.class)
                .isNotInstanceOf(DnsAnswer.NoSuchName.class);
    }

    @Test
    void oneLookupEndsAtItsDeadlineHoweverManyServersAndRetries() throws Exception {
        try (DatagramSocket silent1 = TestResolvers.silentServer();
                DatagramSocket silent2 = TestResolvers.silentServer()) {
            ValidatingDns slow =
                    TestResolvers.over(
                            Optional.of(named.trustAnchors()),
                            Duration.ofMillis(1500),
                            Duration.ofSeconds(1),
                            silent1.getLocalPort(),
                            silent2.getLocalPort());
            long start = System.nanoTime();
            DnsAnswer answer = slow.lookup(Name.fromString("www.secure.test."), Type.A);
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertThat(answer).isEqualTo(new DnsAnswer.Failed("no answer within 1500ms"));
            assertThat(took)
                    .as("2 servers x 3 tries x 1 s would be 6 s")
                    .isBetween(Duration.ofMillis(1400), Duration.ofMillis(2500));
        }
    }

    @Test
    void anUpstreamFailureIsNoDnssecFailure() throws Exception {
        try (LoopbackDns failing = new LoopbackDns().failing("down.example.")) {
            assertThat(
                            TestResolvers.unsigned(failing.port(), dir)
                                    .lookup(Name.fromString("down.example."), Type.MX))
                    .isEqualTo(new DnsAnswer.Failed("SERVFAIL from upstream"));
        }
    }

    @Test
    void answersAreKeptForTheirTtl() throws Exception {
        LoopbackDns once = new LoopbackDns().record("kept.example.", "A", "127.0.0.5");
        ValidatingDns resolver = TestResolvers.unsigned(once.port(), dir);
        Name kept = Name.fromString("kept.example.");
        DnsAnswer first = resolver.lookup(kept, Type.A);
        once.close();
        assertThat(resolver.lookup(kept, Type.A)).isEqualTo(first);
        assertThat(((DnsAnswer.Records) first).security()).isEqualTo(Security.INSECURE);
    }
}
