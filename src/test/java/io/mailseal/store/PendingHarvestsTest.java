package io.mailseal.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mailseal.certs.Harvest;
import io.mailseal.certs.SenderCapabilities;
import io.mailseal.demo.DemoPki;
import io.mailseal.demo.DemoPki.KeyKind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PendingHarvestsTest {
    private static final DemoPki PKI = new DemoPki(Clock.systemUTC(), "pending harvest test CA");
    @TempDir Path dir;

    @Test
    void aKeptHarvestReadsBackWholeAndALaterOneForTheAddressReplacesIt() throws Exception {
        PendingHarvests pending = new PendingHarvests(dir.resolve("harvest-pending"));
        assertThat(pending.count()).as("no directory yet").isZero();
        String address = "a".repeat(230) + "@customer.example";
        var first = PKI.customer("alice@customer.example", KeyKind.RSA).certificate();
        SenderCapabilities caps = new SenderCapabilities(List.of("2.16.840.1.101.3.4.1.46"));
        Instant at = Instant.parse("2026-12-03T10:00:00Z");
        pending.keep(
                new Harvest(address, List.of(first, PKI.ca().certificate()), Optional.of(caps)),
                at);
        PendingHarvests.Pending p = pending.get(address.toUpperCase()).orElseThrow();
        assertThat(p.harvest().address())
                .as("a hashed file name still says whose it is")
                .isEqualTo(address);
        assertThat(p.harvest().certificates()).containsExactly(first, PKI.ca().certificate());
        assertThat(p.harvest().capabilities()).contains(caps);
        assertThat(p.harvestedAt()).isEqualTo(at);
        assertThat(p.file().getFileName().toString()).startsWith("sha256-").endsWith(".pending");

        var renewed = PKI.customer("alice@customer.example", KeyKind.EC).certificate();
        pending.keep(new Harvest(address, List.of(renewed), Optional.empty()), at.plusSeconds(1));
        assertThat(pending.count()).isEqualTo(1);
        assertThat(pending.get(address).orElseThrow().harvest().certificates())
                .containsExactly(renewed);
        assertThat(pending.get(address).orElseThrow().harvest().capabilities()).isEmpty();

        pending.remove(pending.get(address).orElseThrow());
        assertThat(pending.count()).isZero();
        assertThat(pending.get(address)).isEmpty();
    }

    @Test
    void aDamagedFileIsAnExceptionNamingIt() throws Exception {
        Path file = Files.createDirectories(dir.resolve("harvest-pending")).resolve("x@y.pending");
        Files.writeString(file, "mailseal pending harvest\naddress: x@y\n");
        assertThatThrownBy(() -> PendingHarvests.read(file))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(file + " is not a pending harvest");
    }
}
