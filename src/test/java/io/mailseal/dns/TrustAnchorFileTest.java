package io.mailseal.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mailseal.config.ConfigException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrustAnchorFileTest {
    @TempDir Path dir;

    @Test
    void theShippedAnchorsAreTheRootKsks2017And2024() {
        assertThat(new String(TrustAnchorFile.read(Optional.empty()), StandardCharsets.US_ASCII))
                .contains(
                        ". IN DS 20326 8 2 E06D44B80B8F1D39A95C0B0D7C65D08458E880409BBC683457104237C7F8EC8D")
                .contains(
                        ". IN DS 38696 8 2 683D2D0ACB8C9B712A1948B27F741219298D0A450D612C483AF444A4C0FB2B16");
    }

    @Test
    void aFileOfDsRecordsReplacesThem() throws Exception {
        Path file = dir.resolve("anchors.ds");
        Files.writeString(file, "example. 3600 IN DS 1 13 2 " + "ab".repeat(32) + "\n");
        assertThat(TrustAnchorFile.read(Optional.of(file))).isEqualTo(Files.readAllBytes(file));
    }

    private void refused(String content, String why) throws Exception {
        Path file = dir.resolve("bad.ds");
        Files.writeString(file, content);
        assertThatThrownBy(() -> TrustAnchorFile.read(Optional.of(file)))
                .isInstanceOfSatisfying(
                        ConfigException.class,
                        e ->
                                assertThat(e.problems())
                                        .containsExactly(
                                                "mailseal.dns.trust-anchors: \""
                                                        + file
                                                        + "\" "
                                                        + why));
    }

    @Test
    void whatIsNoAnchorIsRefusedNamingKeyAndFile() throws Exception {
        refused("; nothing\n", "holds no DS or DNSKEY record");
        refused(
                "example. IN A 192.0.2.1\n",
                "holds a A record for example.: only DS and DNSKEY records are trust anchors");
        assertThatThrownBy(() -> TrustAnchorFile.read(Optional.of(dir.resolve("missing.ds"))))
                .hasMessage(
                        "mailseal.dns.trust-anchors: \""
                                + dir.resolve("missing.ds")
                                + "\" cannot be read: no such file");
    }

    @Test
    void anUnparseableFileIsRefused() throws Exception {
        Path file = dir.resolve("bad.ds");
        Files.writeString(file, "example. IN DS not a digest\n");
        assertThatThrownBy(() -> TrustAnchorFile.read(Optional.of(file)))
                .hasMessageStartingWith(
                        "mailseal.dns.trust-anchors: \""
                                + file
                                + "\" is not a zone file of DS or DNSKEY records: ");
    }
}
