package io.mailseal.testing;

import io.mailseal.config.DnsConfig;
import io.mailseal.config.HostPort;
import io.mailseal.dns.ValidatingDns;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** The relay's validating resolver pointed at a DNS server on 127.0.0.1, for tests. */
public final class TestResolvers {
    /** What one lookup may take in tests: long enough for a loaded machine, short for a test. */
    public static final Duration TIMEOUT = Duration.ofSeconds(5);

    private TestResolvers() {}

    /** Validating from the trust anchors in {@code anchors} (zone-file DS or DNSKEY records). */
    public static ValidatingDns over(int port, Path anchors) {
        return ValidatingDns.open(
                new DnsConfig(
                        List.of(new HostPort("127.0.0.1", port)),
                        Optional.of(anchors),
                        TIMEOUT,
                        Duration.ofSeconds(2)),
                Clock.systemUTC());
    }

    /**
     * For a server that signs nothing ({@link LoopbackDns}): the only anchor is for {@code
     * anchor.invalid.}, a name no test looks up, so every answer is insecure as it would be from an
     * unsigned zone outside every trust anchor.
     */
    public static ValidatingDns unsigned(int port, Path dir) {
        Path anchors = dir.resolve("unsigned-anchors.ds");
        try {
            Files.writeString(
                    anchors,
                    "anchor.invalid. IN DS 1 8 2"
                            + " 0000000000000000000000000000000000000000000000000000000000000000\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return over(port, anchors);
    }
}
