package io.mailseal.certs;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailseal.demo.DemoPki;
import io.mailseal.demo.DemoPki.KeyKind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HarvestFilesTest {
    static final String ALICE = "alice@customer.example";
    @TempDir Path dir;
    final DemoPki pki = new DemoPki(Clock.systemUTC(), "harvest store test CA");

    @Test
    void fileNamesAreLowerCasedAndCannotLeaveTheDirectory() {
        assertThat(HarvestFiles.fileName("Alice+Tag@Customer.Example"))
                .isEqualTo("alice+tag@customer.example");
        assertThat(HarvestFiles.fileName("../../etc/passwd@x"))
                .isEqualTo("%2E.%2F..%2Fetc%2Fpasswd@x");
        assertThat(HarvestFiles.fileName(".hidden@x")).isEqualTo("%2Ehidden@x");
        assertThat(HarvestFiles.fileName("a%2Fb@x")).isEqualTo("a%252fb@x");
        assertThat(HarvestFiles.fileName("jörg@x")).isEqualTo("j%C3%B6rg@x");
        assertThat(HarvestFiles.fileName("a".repeat(250) + "@x"))
                .startsWith("sha256-")
                .hasSize(7 + 64);
    }

    @Test
    void storedCertificatesAndCapabilitiesAreFoundAndAReplacementDropsOldCapabilities()
            throws Exception {
        HarvestFiles store = new HarvestFiles(dir.resolve("harvest"));
        assertThat(store.lookup(ALICE))
                .as("nothing harvested yet")
                .isInstanceOf(Lookup.NotFound.class);
        var first = pki.customer(ALICE, KeyKind.RSA).certificate();
        SenderCapabilities caps =
                new SenderCapabilities(
                        List.of(SenderCapabilities.AES256_GCM, SenderCapabilities.RSAES_OAEP));
        store.store(
                new Harvest(
                        "Alice@Customer.example",
                        List.of(first, pki.ca().certificate()),
                        Optional.of(caps)));
        assertThat(store.lookup("ALICE@customer.EXAMPLE"))
                .isEqualTo(new Lookup.Found(List.of(first, pki.ca().certificate())));
        assertThat(store.capabilities(ALICE)).contains(caps);
        assertThat(dir.resolve("harvest/alice@customer.example.pem")).exists();
        assertThat(dir.resolve("harvest/alice@customer.example.caps")).exists();

        var renewed = pki.customer(ALICE, KeyKind.EC).certificate();
        store.store(new Harvest(ALICE, List.of(renewed), Optional.empty()));
        assertThat(store.lookup(ALICE)).isEqualTo(new Lookup.Found(List.of(renewed)));
        assertThat(store.capabilities(ALICE)).isEmpty();
        try (var files = Files.list(dir.resolve("harvest"))) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .containsExactly("alice@customer.example.pem");
        }
    }

    @Test
    void anUnreadableFileIsUnavailableNotMissing() throws Exception {
        Files.createDirectories(dir.resolve("harvest"));
        Files.writeString(dir.resolve("harvest/bob@customer.example.pem"), "not a certificate");
        assertThat(new HarvestFiles(dir.resolve("harvest")).lookup("bob@customer.example"))
                .isInstanceOf(Lookup.Unavailable.class);
    }
}
