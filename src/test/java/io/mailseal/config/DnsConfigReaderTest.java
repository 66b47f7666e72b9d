package io.mailseal.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DnsConfigReaderTest {
    private final Path file = Path.of("/etc/mailseal/relay.conf");

    private RelayConfig read(String text) {
        return ConfigLoader.read(ConfigFactory.parseString(text).resolve(), file);
    }

    private List<String> problems(String text) {
        try {
            read(text);
        } catch (ConfigException e) {
            return e.problems();
        }
        throw new AssertionError("expected a ConfigException");
    }

    @Test
    void defaultsAreTheSystemResolversTheShippedRootAnchorsAndTenSecondsPerLookup() {
        assertThat(read("").dns())
                .isEqualTo(
                        new DnsConfig(
                                List.of(),
                                Optional.empty(),
                                Duration.ofSeconds(10),
                                Duration.ofSeconds(3)));
    }

    @Test
    void serversTakeAnOptionalPortAndAnchorsResolveBesideRelayConf() {
        DnsConfig dns =
                read("mailseal.dns { servers = [\"10.0.0.53\", \"[::1]:5353\", \"fd00::53\"],"
                                + " trust-anchors = \"anchors.ds\", timeout = 4s,"
                                + " query-timeout = 1s }")
                        .dns();
        assertThat(dns.servers())
                .containsExactly(
                        new HostPort("10.0.0.53", 53),
                        new HostPort("::1", 5353),
                        new HostPort("fd00::53", 53));
        assertThat(dns.trustAnchors()).contains(Path.of("/etc/mailseal/anchors.ds"));
        assertThat(dns.timeout()).isEqualTo(Duration.ofSeconds(4));
    }

    @Test
    void badValuesNameKeyAndValue() {
        assertThat(
                        problems(
                                "mailseal.dns { servers = [\"a b\", \"resolver.bank\"], timeout = 2s, query-timeout ="
                                        + " 5s }\nmailseal.delivery.dns-servers = [\"10.0.0.53\"]"))
                .containsExactlyInAnyOrder(
                        "mailseal.dns.servers: \"a b\" is not an IP address, address:port or [IPv6]:port",
                        "mailseal.dns.servers: \"resolver.bank\" is not an IP address, address:port or [IPv6]:port",
                        "mailseal.dns.query-timeout: \"5s\" is longer than timeout (the total time of"
                                + " one lookup)",
                        "mailseal.delivery.dns-servers: [\"10.0.0.53\"] has moved: use"
                                + " mailseal.dns.servers");
    }

    @Test
    void daneIsForMxModeOnly() {
        assertThat(problems("mailseal.delivery.tls = dane"))
                .containsExactly(
                        "mailseal.delivery.mode: is smarthost, but tls, dsn-tls or a policy's"
                                + " delivery-tls is dane: DANE authenticates MX hosts found by"
                                + " DNSSEC (mode = mx)");
        assertThat(read("mailseal.delivery { mode = mx, tls = dane }").delivery().tls())
                .isEqualTo(DeliveryConfig.TlsLevel.DANE);
    }
}
