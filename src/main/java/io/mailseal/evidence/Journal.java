package io.mailseal.evidence;

import io.mailseal.crypto.TimestampAuthority;
import io.mailseal.crypto.TimestampUnavailableException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The evidence journal (issue 23): records hash-chained in the order written — each holds {@code
 * seq}, its position, and {@code prev}, the SHA-256 of the previous record's exact line — and
 * anchored: {@link #anchor()} has the TSA timestamp the exact line of the chain head and appends
 * the token as an {@code anchor} record, so any later edit, insertion, deletion or reordering up to
 * an anchor is seen by whoever holds the TSA's certificate. {@link #record} returns once the
 * records are durable (the group commit of {@link EvidenceStore#awaitDurable}); the acceptance
 * record is written before the 250.
 *
 * <p>A write that fails leaves the store's tail unknown (mail is then answered 451 and {@code
 * /ready} says why): fail closed rather than a chain with a hole. With a {@linkplain
 * EvidenceStore#resumable() resumable} store (a database) the next write reads the tail again and
 * the chain goes on from what is really stored; with the embedded files, whose torn write may be
 * followed by more lines, every later write is refused until a restart cuts the torn line.
 */
public final class Journal implements Evidence, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Journal.class);
    private static final long ANY = -1;
    private final EvidenceStore store;
    private final EvidenceCertificates certificates;
    private final Clock clock;
    private final AtomicLong written = new AtomicLong();
    private long next;
    private String head;
    private String headLine;
    private long anchored = -1;
    private volatile Optional<Instant> lastAnchor = Optional.empty();
    private volatile IOException failure;
    private long epoch; // grows each time the chain is read again from the store after a failure
    private Instant retryAt = Instant.MIN; // the store is not asked again before

    /**
     * The journal kept in {@code store}, the certificates its records name in {@code certificates}.
     */
    public Journal(EvidenceStore store, EvidenceCertificates certificates, Clock clock)
            throws IOException {
        this.store = store;
        this.certificates = certificates;
        this.clock = clock;
        try {
            restore(store.last());
        } catch (IOException | RuntimeException e) {
            if (!store.resumable()) {
                throw e;
            }
            // the store is away: the first write (or /ready) reads the tail again
            failure = new IOException("its store cannot be read: " + e.getMessage(), e);
        }
    }

    /** Continues the chain after {@code last}, as the store keeps it. */
    private void restore(Optional<EvidenceStore.Entry> last) throws IOException {
        if (last.isPresent() && last.get().position() < 0) {
            throw new IOException("the last record of the evidence journal has no position");
        }
        String line = last.map(EvidenceStore.Entry::text).orElse("");
        Map<String, String> tail = last.map(e -> FlatJson.read(e.text())).orElse(Map.of());
        next = last.map(e -> e.position() + 1).orElse(0L);
        headLine = line;
        head = line.isEmpty() ? "" : ChainText.sha256Hex(line);
        anchored = -1;
        if ("anchor".equals(tail.get("kind"))) {
            anchored = next - 1;
            lastAnchor = Optional.of(Instant.parse(tail.get("time")));
        }
    }

    /**
     * After a failed write to a {@linkplain EvidenceStore#resumable() resumable} store: the chain
     * goes on from what the store really holds (a write whose answer was lost may be there or not).
     * Otherwise the failure stands until a restart. Asked at most once a second: while the store is
     * away, each write need not wait for it in turn.
     */
    private void resume() throws IOException {
        IOException f = failure;
        if (!store.resumable()) {
            throw new IOException("the evidence journal failed earlier: " + f.getMessage(), f);
        }
        if (clock.instant().isBefore(retryAt)) {
            throw new IOException(f.getMessage(), f);
        }
        try {
            restore(store.last());
        } catch (IOException | RuntimeException e) {
            retryAt = clock.instant().plusSeconds(1);
            failure = new IOException("its store cannot be read: " + e.getMessage(), e);
            throw failure;
        }
        failure = null;
        epoch++;
        log.info("evidence: the journal continues at position {} after: {}", next, f.getMessage());
    }

    /** The embedded journal in {@code directory}. */
    public static Journal open(java.nio.file.Path directory, Clock clock) throws IOException {
        return new Journal(
                new DailyFiles(directory), EvidenceCertificates.inDirectory(directory), clock);
    }

    @Override
    public void record(List<Outcome> outcomes, List<X509Certificate> keep) throws IOException {
        if (failure != null && !store.resumable()) {
            throw new IOException("the evidence journal failed earlier: " + failure.getMessage());
        }
        try {
            for (X509Certificate c : keep) {
                certificates.keep(c);
            }
        } catch (IOException | RuntimeException e) {
            throw failed(new IOException("evidence certificate write failed: " + e, e), epoch());
        }
        List<Map<String, String>> records = new ArrayList<>();
        for (Outcome o : outcomes) {
            Map<String, String> r = new LinkedHashMap<>(Map.of("kind", "outcome"));
            r.putAll(o.fields());
            records.add(r);
        }
        append(records, ANY);
        written.addAndGet(outcomes.size());
    }

    /**
     * Chains and writes {@code records} in order; returns the last one's position once they are
     * durable. {@code inEpoch}: refused when the chain was read again since ({@link #ANY}: not).
     */
    private long append(List<Map<String, String>> records, long inEpoch) throws IOException {
        long token;
        long last;
        long at;
        synchronized (this) {
            if (failure != null) {
                resume();
            }
            if (inEpoch != ANY && inEpoch != epoch) {
                throw new IOException("the chain was read again from the store meanwhile");
            }
            at = epoch;
            Instant now = clock.instant();
            List<EvidenceStore.Entry> entries = new ArrayList<>();
            String prev = head;
            String text = headLine;
            for (Map<String, String> r : records) {
                Map<String, String> line = new LinkedHashMap<>();
                line.put("seq", Long.toString(next + entries.size()));
                line.put("prev", prev);
                line.put("time", now.toString());
                line.putAll(r);
                text = FlatJson.write(line);
                entries.add(
                        new EvidenceStore.Entry(
                                next + entries.size(),
                                LocalDate.ofInstant(now, ZoneOffset.UTC),
                                text));
                prev = ChainText.sha256Hex(text);
            }
            try {
                token = store.append(entries);
            } catch (IOException | RuntimeException e) {
                throw failed(new IOException("evidence journal write failed: " + e, e), at);
            }
            next += entries.size();
            head = prev;
            headLine = text;
            last = next - 1;
        }
        try {
            store.awaitDurable(token);
        } catch (IOException e) {
            throw failed(e, at);
        }
        return last;
    }

    /**
     * Marks the journal failed unless the chain was read again since the write that failed began
     * (its failure is then already accounted for).
     */
    private synchronized IOException failed(IOException e, long inEpoch) {
        if (inEpoch == epoch) {
            failure = e;
        }
        return e;
    }

    private synchronized long epoch() {
        return epoch;
    }

    /**
     * Has the TSA timestamp the chain head's exact line and appends the token; nothing when the
     * head is anchored already. Outside the lock while the TSA answers: records go on being
     * written.
     */
    public void anchor(TimestampAuthority tsa) throws IOException, TimestampUnavailableException {
        long position;
        String line;
        long at;
        synchronized (this) {
            if (failure != null) {
                resume();
            }
            at = epoch;
            position = next - 1;
            if (position < 0 || position <= anchored) {
                return;
            }
            line = headLine;
        }
        byte[] token = tsa.stamp(line.getBytes(StandardCharsets.ISO_8859_1)).getEncoded();
        Map<String, String> anchor = new LinkedHashMap<>();
        anchor.put("kind", "anchor");
        anchor.put("anchors", Long.toString(position));
        anchor.put("token", Base64.getEncoder().encodeToString(token));
        long written = append(List.of(anchor), at);
        synchronized (this) {
            anchored = Math.max(anchored, written); // an anchor record needs no anchor of its own
        }
        lastAnchor = Optional.of(clock.instant());
    }

    /**
     * Drops the days before {@code oldestKept}, after anchoring the head so that what is kept stays
     * provable, and records the pruning itself in the chain. Returns how many days were dropped.
     */
    public int prune(LocalDate oldestKept, TimestampAuthority tsa)
            throws IOException, TimestampUnavailableException {
        List<LocalDate> old = store.days().stream().filter(d -> d.isBefore(oldestKept)).toList();
        if (old.isEmpty()) {
            return 0;
        }
        anchor(tsa);
        Map<String, String> pruned = new LinkedHashMap<>();
        pruned.put("kind", "pruned");
        pruned.put("days", old.get(0) + ".." + old.get(old.size() - 1));
        append(List.of(pruned), ANY);
        for (LocalDate d : old) {
            store.drop(d);
        }
        return old.size();
    }

    /** Outcome records written since start (for the metrics). */
    public long written() {
        return written.get();
    }

    /** When the head was last anchored by this process; empty before the first anchor. */
    public Optional<Instant> lastAnchor() {
        return lastAnchor;
    }

    /**
     * Why the journal takes no records now (for {@code /ready}); empty while it does. A resumable
     * store is asked again first, so a node that gets no mail while not ready still comes back.
     */
    public synchronized Optional<String> problem() {
        if (failure != null && store.resumable()) {
            try {
                resume();
            } catch (IOException e) {
                // still away: failure says why
            }
        }
        IOException f = failure;
        return f == null
                ? Optional.empty()
                : Optional.of(
                        "the evidence journal cannot be written ("
                                + f.getMessage()
                                + "): mail is refused 451 until "
                                + (store.resumable() ? "its store answers again" : "a restart"));
    }

    @Override
    public void close() throws IOException {
        store.close();
    }
}
