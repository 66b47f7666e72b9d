package io.mailseal.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailseal.config.ConfigLoader;
import io.mailseal.config.DeliveryConfig.TlsLevel;
import io.mailseal.demo.CaptureSink;
import io.mailseal.demo.CaptureSink.CapturedMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DSNs go back to the bank's own MTA at {@code delivery.tls}, not at the strictest level a policy
 * asks of the hop to customers: a bank MTA without STARTTLS still learns of a bounce (and can fall
 * back to SMS).
 */
class DsnTlsIT {
    static final String BOB = "bob@customer.example";
    @TempDir Path dir;
    final CaptureSink sink = new CaptureSink(Optional.empty()); // no STARTTLS
    DeliveryRig rig;

    @AfterEach
    void close() {
        rig.close();
        sink.close();
    }

    @Test
    void aDsnGoesAtDeliveryTlsThoughAPolicyAsksForVerify() throws Exception {
        Path conf =
                Files.writeString(
                        dir.resolve("relay.conf"),
                        """
                mailseal.policies = [
                  { name = statement, match { from = "statements@bank.example" }, action = sign, timestamp = off,
                    delivery-tls = verify }
                  { name = default, action = pass }
                ]""");
        rig =
                new DeliveryRig(
                        dir.resolve("spool"),
                        DeliveryRig.smarthost(sink.port(), TlsLevel.NONE),
                        Optional.empty(),
                        ConfigLoader.load(conf).policies());
        sink.refuseRecipient(BOB, 550, "5.1.1 no such user");
        rig.scheduler.submit(
                rig.spooled(DeliveryRig.BANK, "default", "N1.0", Duration.ofDays(1), BOB));
        // the DSN, in the clear to a hop without STARTTLS; its worker may report first
        rig.awaitOutcomes("bounced", "delivered");
        CapturedMessage dsn = sink.messages().get(0);
        assertThat(dsn.envelopeFrom()).isEmpty();
        assertThat(dsn.recipients()).containsExactly(DeliveryRig.BANK);
        assertThat(dsn.overTls()).isFalse();
    }
}
