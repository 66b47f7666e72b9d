package io.mailseal.testing;

import io.mailseal.config.DnsConfig;
import io.mailseal.config.HostPort;
import io.mailseal.dns.ValidatingDns;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;

/** The relay's validating resolver pointed at a DNS server on 127.0.0.1, for tests. */
public final class TestResolvers {
    /** What one lookup may take in tests: long enough for a loaded machine, short for a test. */
    public static final Duration TIMEOUT = Duration.ofSeconds(5);

    private TestResolvers() {}

    /** Validating from the trust anchors in {@code anchors} (zone-file DS or DNSKEY records). */
    public static ValidatingDns over(int port, Path anchors) {
        return over(port, anchors, Clock.systemUTC());
    }

    /** With answers cached (and signatures checked) by {@code clock}. */
    public static ValidatingDns over(int port, Path anchors, Clock clock) {
        return open(Optional.of(anchors), TIMEOUT, Duration.ofSeconds(2), clock, port);
    }

    /**
     * Through the servers on 127.0.0.1 at {@code ports}, in order, with the lookup's total {@code
     * timeout} and each query's {@code queryTimeout}; {@code anchors} empty means the root's.
     */
    public static ValidatingDns over(
            Optional<Path> anchors, Duration timeout, Duration queryTimeout, int... ports) {
        return open(anchors, timeout, queryTimeout, Clock.systemUTC(), ports);
    }

    /** A UDP socket on loopback that reads nothing and answers nothing: an upstream gone silent. */
    public static DatagramSocket silentServer() throws SocketException {
        return new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    }

    private static ValidatingDns open(
            Optional<Path> anchors,
            Duration timeout,
            Duration queryTimeout,
            Clock clock,
            int... ports) {
        return ValidatingDns.open(
                new DnsConfig(
                        Arrays.stream(ports).mapToObj(p -> new HostPort("127.0.0.1", p)).toList(),
                        anchors,
                        timeout,
                        queryTimeout),
                clock);
    }

    /**
     * For a server that signs nothing ({@link LoopbackDns}): the only anchor is for {@code
     * anchor.invalid.}, a name no test looks up, so every answer is insecure as it would be from an
     * unsigned zone outside every trust anchor.
     */
    public static ValidatingDns unsigned(int port, Path dir) {
        return unsigned(port, dir, Clock.systemUTC());
    }

    /** As {@link #unsigned(int, Path)}, answers cached by {@code clock}. */
    public static ValidatingDns unsigned(int port, Path dir, Clock clock) {
        Path anchors = dir.resolve("unsigned-anchors.ds");
        try {
            Files.writeString(
                    anchors,
                    "anchor.invalid. IN DS 1 8 2"
                            + " 0000000000000000000000000000000000000000000000000000000000000000\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return over(port, anchors, clock);
    }
}
