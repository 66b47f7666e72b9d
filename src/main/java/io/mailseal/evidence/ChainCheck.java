package io.mailseal.evidence;

import io.mailseal.crypto.TimestampVerifier;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.tsp.TSPException;
import org.bouncycastle.tsp.TimeStampToken;

/**
 * {@code mailseal evidence verify}: walks the chain in the order kept and stops at the first broken
 * link, naming its position — a record that does not parse, a position that is not the next one (a
 * record deleted, inserted or moved), a record whose SHA-256 is not its successor's {@code prev}
 * (changed), an anchor whose token does not verify over the record it names, or a message's
 * timestamp token that does not verify over its signature's hash. Records after the last anchor are
 * counted: the chain proves them only once they are anchored.
 */
public final class ChainCheck {
    private final EvidenceStore store;
    private final TimestampVerifier tsa;

    /** What the walk found: the first break (position and why), or none. */
    public record Result(
            long records,
            long anchors,
            long unanchored,
            long firstPosition,
            Optional<Break> broken) {}

    public record Break(long position, String reason) {
        @Override
        public String toString() {
            return "position " + position + ": " + reason;
        }
    }

    public ChainCheck(EvidenceStore store, TimestampVerifier tsa) {
        this.store = store;
        this.tsa = tsa;
    }

    /** The journal in {@code directory}, read only. */
    public static ChainCheck of(java.nio.file.Path directory, TimestampVerifier tsa)
            throws IOException {
        return new ChainCheck(new DailyFiles(directory), tsa);
    }

    /** Walks the records of the days from {@code since} on (all when null). */
    public Result verify(LocalDate since) throws IOException {
        Walk w = new Walk();
        for (LocalDate day : store.days()) {
            if (since != null && day.isBefore(since)) {
                continue;
            }
            for (EvidenceStore.Entry e : store.read(day)) {
                Optional<Break> b = w.step(e.text());
                if (b.isPresent()) {
                    return w.result(b);
                }
            }
        }
        return w.result(Optional.empty());
    }

    /** The state of one walk: the previous record and the hashes not yet anchored. */
    private final class Walk {
        private long expected = -1;
        private long first = -1;
        private String previousText;
        private long records;
        private long anchors;
        private final Map<Long, byte[]> unanchored = new HashMap<>();

        Optional<Break> step(String text) {
            long at = expected < 0 ? ChainText.position(text) : expected;
            Map<String, String> r;
            try {
                r = FlatJson.read(text);
            } catch (IllegalArgumentException e) {
                return Optional.of(new Break(at, "the record does not parse: " + e.getMessage()));
            }
            long seq = ChainText.position(text);
            if (expected >= 0 && seq != expected) {
                return Optional.of(
                        new Break(
                                expected,
                                "found the record of position "
                                        + r.get("seq")
                                        + " (a record was deleted, inserted or moved)"));
            }
            if (previousText != null && !ChainText.sha256Hex(previousText).equals(r.get("prev"))) {
                return Optional.of(
                        new Break(
                                seq - 1,
                                "its SHA-256 is not the prev of position "
                                        + seq
                                        + " (one of the two was changed)"));
            }
            if (expected < 0 && seq == 0 && !"".equals(r.get("prev"))) {
                return Optional.of(new Break(0, "the first record names a predecessor"));
            }
            Optional<Break> token = tokens(seq, r);
            if (token.isPresent()) {
                return token;
            }
            if (first < 0) {
                first = seq;
            }
            if (!"anchor".equals(r.get("kind"))) {
                unanchored.put(seq, ChainText.sha256(text.getBytes(StandardCharsets.ISO_8859_1)));
            }
            previousText = text;
            expected = seq + 1;
            records++;
            return Optional.empty();
        }

        private Optional<Break> tokens(long seq, Map<String, String> r) {
            try {
                if ("anchor".equals(r.get("kind"))) {
                    long target = Long.parseLong(r.get("anchors"));
                    byte[] hash = unanchored.get(target);
                    if (hash == null) {
                        return target < first
                                ? Optional.empty() // anchors a record before the walk began
                                : Optional.of(
                                        new Break(
                                                seq,
                                                "anchors position "
                                                        + target
                                                        + ", which is no unanchored record before"
                                                        + " it"));
                    }
                    tsa.verifyImprint(token(r.get("token")), hash);
                    unanchored.keySet().removeIf(p -> p <= target);
                    anchors++;
                } else if (r.containsKey("token")) {
                    tsa.verifyImprint(
                            token(r.get("token")),
                            HexFormat.of().parseHex(r.getOrDefault("signature_sha256", "")));
                }
                return Optional.empty();
            } catch (TSPException | IOException | CMSException | RuntimeException e) {
                return Optional.of(
                        new Break(seq, "its timestamp token does not verify: " + e.getMessage()));
            }
        }

        Result result(Optional<Break> broken) {
            return new Result(records, anchors, unanchored.size(), first, broken);
        }
    }

    static TimeStampToken token(String base64) throws IOException, TSPException, CMSException {
        return new TimeStampToken(
                new org.bouncycastle.cms.CMSSignedData(Base64.getDecoder().decode(base64)));
    }

    /** The stored entries of the days from {@code since} on, for find and export. */
    static List<LocalDate> days(EvidenceStore store, LocalDate since) throws IOException {
        return store.days().stream().filter(d -> since == null || !d.isBefore(since)).toList();
    }
}
