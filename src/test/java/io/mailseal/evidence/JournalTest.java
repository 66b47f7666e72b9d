package io.mailseal.evidence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mailseal.crypto.TimestampVerifier;
import io.mailseal.testing.LocalTsa;
import io.mailseal.testing.MutableClock;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The chain over real day files: a clean journal verifies; an edited, deleted or reordered record
 * is named by its position; a torn last line is cut; pruning keeps the rest verifiable; a failed
 * write refuses every later one.
 */
class JournalTest {
    @TempDir Path dir;

    private final MutableClock clock = new MutableClock(Instant.now().minus(Duration.ofDays(3)));
    private final LocalTsa tsa = new LocalTsa(clock);

    /**
     * Ten outcome records, anchored after the fifth and at the end: positions 0-4, 5 anchor, 6-10,
     * 11 anchor.
     */
    private Journal written() throws Exception {
        Journal j = Journal.open(dir, clock);
        for (int i = 0; i < 10; i++) {
            j.record(List.of(outcome(i)), List.of());
            if (i == 4) {
                j.anchor(tsa);
            }
        }
        j.anchor(tsa);
        return j;
    }

    private static Outcome outcome(int i) {
        return Outcome.of("accepted")
                .with("queue_id", "Q" + i + ".0")
                .with("message_id", "<m-" + i + "@bank.example>")
                .with("to", "customer" + i + "@customer.example");
    }

    private ChainCheck.Result verify() throws IOException {
        return ChainCheck.of(dir, new TimestampVerifier(tsa.anchors())).verify(null);
    }

    private Path dayFile() {
        return dir.resolve("journal")
                .resolve(LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC) + ".jsonl");
    }

    private List<String> lines() throws IOException {
        return new ArrayList<>(Files.readAllLines(dayFile(), StandardCharsets.ISO_8859_1));
    }

    private void rewrite(List<String> lines) throws IOException {
        Files.write(dayFile(), lines, StandardCharsets.ISO_8859_1);
    }

    @Test
    void aCleanJournalVerifies() throws Exception {
        try (Journal j = written()) {
            assertThat(j.written()).isEqualTo(10);
        }
        ChainCheck.Result r = verify();
        assertThat(r.broken()).isEmpty();
        assertThat(r.records()).isEqualTo(12);
        assertThat(r.anchors()).isEqualTo(2);
        assertThat(r.unanchored()).isZero();
    }

    @Test
    void anEditedRecordIsNamedByItsPosition() throws Exception {
        written().close();
        List<String> lines = lines();
        lines.set(3, lines.get(3).replace("customer3@", "mallory@"));
        rewrite(lines);
        assertThat(verify().broken()).map(ChainCheck.Break::position).contains(3L);
    }

    @Test
    void anEditWithTheChainRecomputedAfterItIsCaughtByTheAnchor() throws Exception {
        written().close();
        List<String> lines = lines();
        lines.set(3, lines.get(3).replace("customer3@", "mallory@"));
        for (int i = 4; i < lines.size(); i++) { // the forger re-links every later record
            String prev = ChainText.sha256Hex(lines.get(i - 1));
            lines.set(
                    i,
                    lines.get(i)
                            .replaceFirst("\"prev\":\"[0-9a-f]*\"", "\"prev\":\"" + prev + "\""));
        }
        rewrite(lines);
        ChainCheck.Break b = verify().broken().orElseThrow();
        assertThat(b.position()).isEqualTo(5); // the anchor over position 4
        assertThat(b.reason()).contains("timestamp token does not verify");
    }

    @Test
    void aDeletedRecordIsNamedByItsPosition() throws Exception {
        written().close();
        List<String> lines = lines();
        lines.remove(7);
        rewrite(lines);
        assertThat(verify().broken()).map(ChainCheck.Break::position).contains(7L);
    }

    @Test
    void reorderedRecordsAreNamedByTheFirstPosition() throws Exception {
        written().close();
        List<String> lines = lines();
        Collections.swap(lines, 2, 8);
        rewrite(lines);
        assertThat(verify().broken()).map(ChainCheck.Break::position).contains(2L);
    }

    @Test
    void aRenumberedInsertionIsNamedWhereItBreaksTheLinks() throws Exception {
        written().close();
        List<String> lines = lines();
        // a forged record given the next position and the right prev: its successor's prev fails
        lines.add(6, lines.get(6).replace("customer5@", "forged@"));
        rewrite(lines);
        assertThat(verify().broken()).map(ChainCheck.Break::position).contains(7L);
    }

    @Test
    void aTornLastLineIsCutAndTheChainContinues() throws Exception {
        written().close();
        Files.writeString(
                dayFile(),
                "{\"seq\":\"12\",\"prev\":\"ab",
                java.nio.file.StandardOpenOption.APPEND);
        try (Journal j = Journal.open(dir, clock)) {
            j.record(List.of(outcome(10)), List.of());
            j.anchor(tsa);
        }
        ChainCheck.Result r = verify();
        assertThat(r.broken()).isEmpty();
        assertThat(r.records()).isEqualTo(14);
    }

    @Test
    void pruningAnchorsFirstAndWhatIsKeptStillVerifies() throws Exception {
        try (Journal j = Journal.open(dir, clock)) {
            j.record(List.of(outcome(0), outcome(1)), List.of());
            j.anchor(tsa);
            clock.advance(Duration.ofDays(1));
            j.record(List.of(outcome(2)), List.of()); // not anchored yet when pruning starts
            clock.advance(Duration.ofDays(1));
            LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
            assertThat(j.prune(today.minusDays(1), tsa)).isEqualTo(1);
            j.anchor(tsa);
        }
        ChainCheck.Result r = verify();
        assertThat(r.broken()).isEmpty();
        assertThat(r.firstPosition()).isEqualTo(3); // 0-1 and the anchor 2 are gone
        assertThat(String.join("\n", lines())).contains("\"kind\":\"pruned\"");
    }

    @Test
    void aFailedWriteRefusesEveryLaterOneUntilARestart() throws Exception {
        EvidenceStore failing =
                new DailyFiles(dir) {
                    @Override
                    public long append(List<Entry> entries) throws IOException {
                        throw new IOException("ENOSPC");
                    }
                };
        Journal j = new Journal(failing, new CertificateFiles(dir.resolve("certificates")), clock);
        assertThatThrownBy(() -> j.record(List.of(outcome(0)), List.of()))
                .hasMessageContaining("ENOSPC");
        assertThat(j.problem()).get().asString().contains("cannot be written");
        assertThatThrownBy(() -> j.record(List.of(outcome(1)), List.of()))
                .hasMessageContaining("failed earlier");
        assertThat(Optional.ofNullable(j.lastAnchor().orElse(null))).isEmpty();
    }

    @Test
    void noFieldExistsForContentOrSubject() {
        assertThatThrownBy(() -> Outcome.of("accepted").with("subject", "Your code"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Outcome.of("accepted").with("body", "123456"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
