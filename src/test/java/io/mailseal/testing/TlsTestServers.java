package io.mailseal.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The loopback TLS servers of {@code src/test/resources/tlscheck/servers.sh} (one {@code openssl
 * s_server} per certificate case, a weak-suite server, an SMTP STARTTLS server, an {@code openssl
 * ocsp} responder), started once for a test class ({@code @RegisterExtension static}) and stopped
 * by their PIDs; their files in a temporary directory removed after.
 */
public final class TlsTestServers implements BeforeAllCallback, AfterAllCallback {
    private static final int PORTS = 12;
    private Path dir;
    private final Map<String, Integer> ports = new LinkedHashMap<>();
    private final Map<String, Long> pids = new LinkedHashMap<>();

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        dir = Files.createTempDirectory("mailseal-tls-servers-");
        start(this);
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        close();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(f);
            }
        }
    }

    private static void start(TlsTestServers s) throws Exception {
        Path dir = s.dir;
        Path script = Path.of("src/test/resources/tlscheck/servers.sh").toAbsolutePath();
        try {
            ExternalTool.ok(dir, script.toString(), dir.toString(), Integer.toString(freeRange()));
            for (String line : Files.readAllLines(dir.resolve("servers.txt"))) {
                String[] f = line.split(" ");
                s.ports.put(f[0], Integer.parseInt(f[1]));
                s.pids.put(f[0], Long.parseLong(f[2]));
            }
            for (var e : s.ports.entrySet()) {
                ProcessHandle p =
                        ProcessHandle.of(s.pids.get(e.getKey()))
                                .orElseThrow(() -> new IOException(e.getKey() + " exited"));
                LoopbackPorts.awaitListening(p, e.getValue());
            }
        } catch (Exception | AssertionError e) {
            s.close();
            throw e;
        }
    }

    public int port(String name) {
        return ports.get(name);
    }

    public Path file(String name) {
        return dir.resolve(name);
    }

    /** {@code BASE .. BASE+11} all free now. */
    private static int freeRange() throws IOException {
        for (int attempt = 0; attempt < 50; attempt++) {
            int base = ThreadLocalRandom.current().nextInt(20000, 60000);
            boolean free = true;
            for (int p = base; p < base + PORTS && free; p++) {
                try (ServerSocket s = new ServerSocket(p, 1, InetAddress.getLoopbackAddress())) {
                    free = s.getLocalPort() == p;
                } catch (IOException e) {
                    free = false;
                }
            }
            if (free) {
                return base;
            }
        }
        throw new IOException("no 12 consecutive free loopback ports");
    }

    /** Stops each server by its PID, children first ({@code openssl ocsp -multi} forks). */
    private void close() {
        for (long pid : pids.values()) {
            ProcessHandle.of(pid)
                    .ifPresent(
                            h -> {
                                h.descendants().forEach(TlsTestServers::stop);
                                stop(h);
                            });
        }
    }

    private static void stop(ProcessHandle h) {
        h.destroy();
        try {
            h.onExit().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            h.destroyForcibly();
        }
    }
}
