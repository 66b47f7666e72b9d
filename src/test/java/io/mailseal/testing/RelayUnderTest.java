package io.mailseal.testing;

import io.mailseal.app.Relay;
import io.mailseal.config.ConfigLoader;
import io.mailseal.demo.CaptureSink;
import io.mailseal.demo.CaptureSink.CapturedMessage;
import io.mailseal.demo.DemoPki.KeyKind;
import io.mailseal.demo.DemoWorld;
import io.mailseal.demo.SubmissionClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A relay on loopback for each test, with the demo PKI ({@link DemoWorld}: throwaway CA, embedded
 * TSA, capture sink), the customers asked for, a relay.conf from the given policies and extra
 * HOCON, and a {@link SubmissionClient} for the bank; all closed after the test. Register it with
 * {@code @RegisterExtension final RelayUnderTest relay =
 * RelayUnderTest.withPolicies(...).customer(...);}.
 */
public final class RelayUnderTest implements BeforeEachCallback, AfterEachCallback {
    private final String policies;
    private final Map<String, KeyKind> customers = new LinkedHashMap<>();
    private String extra = "";

    private Path dir;
    private DemoWorld world;
    private Relay relay;
    private SubmissionClient bank;
    private final List<Relay> others = new ArrayList<>();

    private RelayUnderTest(String policies) {
        this.policies = policies;
    }

    /** {@code policies}: the body of relay.conf's policy list. */
    public static RelayUnderTest withPolicies(String policies) {
        return new RelayUnderTest(policies);
    }

    /**
     * A customer with a certificate in the recipients directory and its key in {@code customers/}.
     */
    public RelayUnderTest customer(String address, KeyKind kind) {
        customers.put(address, kind);
        return this;
    }

    /**
     * HOCON merged into {@code mailseal { }} of relay.conf, e.g. {@code delivery.retry { initial =
     * 200ms }}.
     */
    public RelayUnderTest config(String extraHocon) {
        this.extra = extraHocon;
        return this;
    }

    @Override
    public void beforeEach(ExtensionContext context) throws Exception {
        dir =
                Files.createTempDirectory(
                        "mailseal-" + context.getRequiredTestClass().getSimpleName() + "-");
        world = new DemoWorld(dir, Clock.systemUTC());
        for (Map.Entry<String, KeyKind> c : customers.entrySet()) {
            world.addCustomer(c.getKey(), c.getValue());
        }
        restart(policies, extra);
    }

    /**
     * Replaces the relay by one with the same policies and {@code extraHocon}; {@link #bank()}
     * follows it.
     */
    public Relay restart(String extraHocon) throws IOException {
        return restart(policies, extraHocon);
    }

    /**
     * Replaces the relay by one with other policies and extra HOCON; {@link #bank()} follows it.
     */
    public Relay restart(String otherPolicies, String extraHocon) throws IOException {
        if (relay != null) {
            relay.close();
        }
        relay = null;
        relay =
                Relay.start(
                        ConfigLoader.load(world.writeConfig(otherPolicies, extraHocon)),
                        Clock.systemUTC());
        bank = new SubmissionClient("127.0.0.1", relay.port());
        return relay;
    }

    /**
     * A second relay beside the first, in the same world, with {@code extraHocon}; closed after the
     * test.
     */
    public Relay another(String extraHocon) throws IOException {
        Relay r =
                Relay.start(
                        ConfigLoader.load(world.writeConfig(policies, extraHocon)),
                        Clock.systemUTC());
        others.add(r);
        return r;
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        try {
            others.forEach(Relay::close);
            others.clear();
            if (relay != null) {
                relay.close();
            }
        } finally {
            relay = null;
            if (world != null) {
                world.close();
            }
            deleteQuietly(dir);
        }
    }

    private static void deleteQuietly(Path dir) {
        if (dir == null) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temporary directory left behind is no test failure
        }
    }

    /** The test's directory: relay.conf, certs/, customers/ (keys), spool/, sink/. */
    public Path dir() {
        return dir;
    }

    public DemoWorld world() {
        return world;
    }

    public Relay relay() {
        return relay;
    }

    public int port() {
        return relay.port();
    }

    /** Submits as the bank to the relay. */
    public SubmissionClient bank() {
        return bank;
    }

    public CaptureSink sink() {
        return world.sink();
    }

    /**
     * For "nothing (else) arrived": the messages at the sink once a control message sent now has
     * arrived and the relay's spool is empty (see {@link BankMail#othersWhenControlArrived}).
     */
    public List<CapturedMessage> othersWhenControlArrived() throws Exception {
        return BankMail.othersWhenControlArrived(bank, world.sink(), dir.resolve("spool"));
    }
}
