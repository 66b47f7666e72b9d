import io.mailseal.crypto.TimestampVerifier;
import io.mailseal.net.BlockingPost;
import io.mailseal.net.CircuitBreaker;
import io.mailseal.tsa.TimestampAuthorityClient;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Provider;
import java.security.Security;
import java.security.cert.CertificateFactory;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * CPU per timestamp of mailseal's TSA client (request, HTTP, reply checks, token
 * verification) against a TSA in another process (`mailseal demo tsa`): C threads stamp
 * random signature values, first a warm-up, then N measured; prints CPU ms per stamp of
 * this process and stamps per second.
 *
 * java -cp target/mailseal.jar bench/TsaClientLoad.java URL TSA-CA.pem [WARMUP N C]
 */
public final class TsaClientLoad {
    public static void main(String[] args) throws Exception {
        URI url = URI.create(args[0]);
        int warmup = args.length > 2 ? Integer.parseInt(args[2]) : 20000;
        int n = args.length > 3 ? Integer.parseInt(args[3]) : 10000;
        int threads = args.length > 4 ? Integer.parseInt(args[4]) : 8;
        try {
            Security.insertProviderAt((Provider) Class.forName(
                    "com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider").getField("INSTANCE").get(null), 1);
        } catch (ReflectiveOperationException | LinkageError e) {
            System.err.println("ACCP not loaded: " + e);
        }
        X509Certificate ca;
        try (InputStream in = Files.newInputStream(Path.of(args[1]))) {
            ca = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
        Duration timeout = Duration.ofSeconds(3);
        TimestampAuthorityClient client = new TimestampAuthorityClient(List.of(url), timeout,
                new TimestampVerifier(Set.of(new TrustAnchor(ca, null))),
                new CircuitBreaker(Clock.systemUTC(), (u, backoff) -> {}), BlockingPost.jdkTrust(),
                (u, reason) -> System.err.println(reason));
        stamp(client, warmup, threads);
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long cpu = os.getProcessCpuTime();
        long start = System.nanoTime();
        stamp(client, n, threads);
        cpu = os.getProcessCpuTime() - cpu;
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("n=%d c=%d  %.3f ms CPU/stamp  %.0f stamps/s%n", n, threads, cpu / 1e6 / n, n / seconds);
        System.exit(0);
    }

    private static void stamp(TimestampAuthorityClient client, int n, int threads) throws Exception {
        AtomicInteger left = new AtomicInteger(n);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<?>> running = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            running.add(pool.submit(() -> {
                byte[] signature = new byte[256];
                while (left.getAndDecrement() > 0) {
                    ThreadLocalRandom.current().nextBytes(signature);
                    client.stamp(signature);
                }
                return null;
            }));
        }
        for (Future<?> f : running) {
            f.get();
        }
        pool.shutdown();
    }
}
