package io.mailseal.delivery;

import static org.assertj.core.api.Assertions.assertThat;

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

/**
 * MX routing through the validating resolver, against BIND 9 with signed zones: a bogus MX or a
 * bogus address of the MX host is never used (the mail waits), an insecure one is, and the whole
 * routing (MX, then each host's A and AAAA) ends within one {@code mailseal.dns.timeout}.
 */
class MxRouterIT {
    @TempDir static Path dir;
    static SignedDns named;
    static MxRouter router;

    @BeforeAll
    static void start() throws Exception {
        named =
                SignedDns.start(
                        dir.resolve("named"),
                        Zone.signed("secure.test", "@ MX 10 mx", "mx A 127.0.0.1"),
                        Zone.signed("pointing.test", "@ MX 10 mx.badaddr.test."),
                        Zone.unsigned("plain.test", "@ MX 10 mx", "mx A 127.0.0.3"),
                        Zone.broken(
                                "broken.test",
                                "mx.secure.test.",
                                "mx.plain.test.",
                                "@ MX 10 mx.secure.test."),
                        Zone.broken("badaddr.test", "127.0.0.9", "127.0.0.10", "mx A 127.0.0.9"));
        router =
                new MxRouter(
                        TestResolvers.over(named.port(), named.trustAnchors()),
                        25,
                        Optional.empty());
    }

    @AfterAll
    static void stop() {
        if (named != null) {
            named.close();
        }
    }

    @Test
    void aSecureMxIsRouted() {
        assertThat(router.route("secure.test"))
                .isEqualTo(
                        new Route.Hosts(
                                List.of(new NextHop("mx.secure.test", "127.0.0.1", 25, true))));
    }

    @Test
    void anInsecureMxIsRoutedAsWithoutDnssec() {
        assertThat(router.route("plain.test"))
                .isEqualTo(
                        new Route.Hosts(
                                List.of(new NextHop("mx.plain.test", "127.0.0.3", 25, false))));
    }

    @Test
    void aBogusMxDefers() {
        assertThat(router.route("broken.test"))
                .isInstanceOfSatisfying(
                        Route.Unroutable.class,
                        u ->
                                assertThat(((DeliveryResult.Deferred) u.result()).reason())
                                        .startsWith(
                                                "4.4.3 DNS lookup of MX broken.test: DNSSEC"
                                                        + " validation failed ("));
    }

    @Test
    void aBogusAddressOfTheMxHostIsNotUsed() {
        assertThat(router.route("pointing.test"))
                .isEqualTo(
                        new Route.Unroutable(
                                new DeliveryResult.Deferred(
                                        "4.4.4 no MX host of pointing.test has an address")));
    }

    @Test
    void theWholeRoutingEndsWithinOneDnsTimeout() throws Exception {
        try (DatagramSocket silent = TestResolvers.silentServer()) {
            MxRouter slow =
                    new MxRouter(
                            TestResolvers.over(
                                    Optional.of(named.trustAnchors()),
                                    Duration.ofSeconds(1),
                                    Duration.ofMillis(400),
                                    silent.getLocalPort()),
                            25,
                            Optional.empty());
            long start = System.nanoTime();
            Route route = slow.route("secure.test");
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertThat(route)
                    .isEqualTo(
                            new Route.Unroutable(
                                    new DeliveryResult.Deferred(
                                            "4.4.3 DNS lookup of MX secure.test: no answer within"
                                                    + " 1s")));
            assertThat(took).isBetween(Duration.ofMillis(900), Duration.ofMillis(1800));
        }
    }
}
