package io.mailseal.evidence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mailseal.crypto.TimestampAuthority;
import io.mailseal.crypto.TimestampVerifier;
import io.mailseal.testing.LocalTsa;
import io.mailseal.testing.MutableClock;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A journal over a {@linkplain EvidenceStore#resumable() resumable} store (as the database is): a
 * failed write is 451 for that message only; the next write reads the stored tail again and the
 * chain goes on from it — whether the failed write was lost or stored after all — and verifies; a
 * store away at open is no failed open, and is asked again at most once a second; an anchor is not
 * written across such a re-read.
 */
class JournalResumeTest {
    @TempDir Path dir;

    private final MutableClock clock = new MutableClock(Instant.now());
    private final LocalTsa tsa = new LocalTsa(clock);
    private final MemoryStore store = new MemoryStore();

    /** Keeps entries in memory; fails as told. */
    private static final class MemoryStore implements EvidenceStore {
        private final List<Entry> stored = new ArrayList<>();
        private final List<Entry> pending = new ArrayList<>();
        private boolean away;
        private int lastCalls;
        private Boolean nextCommitFails; // null: it succeeds; true: it is stored all the same

        @Override
        public boolean resumable() {
            return true;
        }

        @Override
        public synchronized Optional<Entry> last() throws IOException {
            lastCalls++;
            if (away) {
                throw new IOException("store away");
            }
            pending.clear();
            return stored.isEmpty() ? Optional.empty() : Optional.of(stored.get(stored.size() - 1));
        }

        @Override
        public synchronized long append(List<Entry> entries) throws IOException {
            if (away) {
                throw new IOException("store away");
            }
            pending.addAll(entries);
            return 0;
        }

        @Override
        public synchronized void awaitDurable(long token) throws IOException {
            Boolean fails = nextCommitFails;
            nextCommitFails = null;
            if (!away && (fails == null || fails)) {
                stored.addAll(pending);
            }
            pending.clear();
            if (away || fails != null) {
                throw new IOException("commit answer lost");
            }
        }

        @Override
        public synchronized List<Entry> read(LocalDate day) {
            return stored.stream().filter(e -> e.day().equals(day)).toList();
        }

        @Override
        public synchronized List<LocalDate> days() {
            return stored.stream().map(Entry::day).distinct().sorted().toList();
        }

        @Override
        public synchronized void drop(LocalDate day) {
            stored.removeIf(e -> e.day().equals(day));
        }

        @Override
        public void close() {}
    }

    private Journal journal() throws IOException {
        return new Journal(store, EvidenceCertificates.inDirectory(dir), clock);
    }

    private static Outcome outcome(int i) {
        return Outcome.of("accepted").with("queue_id", "Q" + i + ".0").with("to", "c" + i + "@x");
    }

    private ChainCheck.Result verify() throws IOException {
        return new ChainCheck(store, new TimestampVerifier(tsa.anchors())).verify(null);
    }

    @Test
    void aLostWriteIsRefusedAndTheChainGoesOnFromWhatIsStored() throws Exception {
        Journal j = journal();
        j.record(List.of(outcome(0)), List.of());
        store.nextCommitFails = false;
        assertThatThrownBy(() -> j.record(List.of(outcome(1)), List.of()))
                .isInstanceOf(IOException.class);
        j.record(List.of(outcome(2)), List.of());
        j.anchor(tsa);
        assertThat(store.stored)
                .extracting(EvidenceStore.Entry::position)
                .containsExactly(0L, 1L, 2L);
        assertThat(store.stored.get(1).text()).contains("Q2.0");
        ChainCheck.Result r = verify();
        assertThat(r.broken()).isEmpty();
        assertThat(r.records()).isEqualTo(3);
    }

    @Test
    void aWriteStoredThoughItsAnswerWasLostStaysInTheChainAndTheNextFollowsIt() throws Exception {
        Journal j = journal();
        j.record(List.of(outcome(0)), List.of());
        store.nextCommitFails = true;
        assertThatThrownBy(() -> j.record(List.of(outcome(1)), List.of()))
                .isInstanceOf(IOException.class);
        assertThat(j.problem()).as("read again: nothing wrong now").isEmpty();
        j.record(List.of(outcome(2)), List.of());
        j.anchor(tsa);
        assertThat(store.stored)
                .extracting(EvidenceStore.Entry::text)
                .satisfiesExactly(
                        t -> assertThat(t).contains("Q0.0"),
                        t -> assertThat(t).contains("Q1.0"),
                        t -> assertThat(t).contains("Q2.0"),
                        t -> assertThat(t).contains("\"kind\":\"anchor\""));
        assertThat(verify().broken()).isEmpty();
        assertThat(verify().anchors()).isEqualTo(1);
    }

    @Test
    void aStoreAwayAtOpenIsAProblemUntilItAnswersThenTheChainContinues() throws Exception {
        journal().record(List.of(outcome(0)), List.of());
        store.away = true;
        Journal j = journal();
        assertThat(j.problem())
                .hasValueSatisfying(p -> assertThat(p).contains("until its store answers again"));
        assertThatThrownBy(() -> j.record(List.of(outcome(1)), List.of()))
                .isInstanceOf(IOException.class);
        store.away = false;
        int asked = store.lastCalls;
        assertThatThrownBy(() -> j.record(List.of(outcome(2)), List.of()))
                .as("asked at most once a second")
                .isInstanceOf(IOException.class);
        assertThat(store.lastCalls).isEqualTo(asked);
        clock.advance(Duration.ofSeconds(1));
        j.record(List.of(outcome(2)), List.of());
        assertThat(store.lastCalls).isEqualTo(asked + 1);
        assertThat(j.problem()).isEmpty();
        assertThat(store.stored).hasSize(2);
        assertThat(verify().broken()).isEmpty();
    }

    /** The TSA answers while a write fails and the chain is read again: that anchor is dropped. */
    @Test
    void anAnchorIsNotWrittenAcrossAReRead() throws Exception {
        Journal j = journal();
        j.record(List.of(outcome(0)), List.of());
        TimestampAuthority meanwhile =
                data -> {
                    store.nextCommitFails = false;
                    try {
                        j.record(List.of(outcome(1)), List.of());
                    } catch (IOException expected) {
                        // lost; the anchor's append must now see the chain was read again
                    }
                    return tsa.stamp(data);
                };
        assertThatThrownBy(() -> j.anchor(meanwhile)).hasMessageContaining("read again");
        j.record(List.of(outcome(2)), List.of());
        j.anchor(tsa);
        ChainCheck.Result r = verify();
        assertThat(r.broken()).isEmpty();
        assertThat(r.anchors()).isEqualTo(1);
    }
}
