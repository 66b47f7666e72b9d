package io.mailseal.evidence;

import java.io.IOException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code mailseal evidence find}: the outcome records of a Message-ID, a recipient, a time range.
 * Reads only the days the range can touch.
 */
public final class EvidenceQuery {
    private final EvidenceStore store;

    /** What to look for; every criterion given must match. */
    public record Criteria(
            Optional<String> messageId,
            Optional<String> to,
            Optional<Instant> since,
            Optional<Instant> until) {

        boolean matches(Map<String, String> r, Optional<MessageRecords> message) {
            Instant time = Instant.parse(r.get("time"));
            return "outcome".equals(r.get("kind"))
                    && message.map(m -> m.contains(r)).orElse(true)
                    && to.map(t -> t.equalsIgnoreCase(r.get("to"))).orElse(true)
                    && since.map(s -> !time.isBefore(s)).orElse(true)
                    && until.map(u -> time.isBefore(u)).orElse(true);
        }
    }

    public EvidenceQuery(EvidenceStore store) {
        this.store = store;
    }

    /** The matching records with their members, in chain order. */
    public List<Map<String, String>> find(Criteria c) throws IOException {
        LocalDate first = c.since().map(s -> LocalDate.ofInstant(s, ZoneOffset.UTC)).orElse(null);
        List<Map<String, String>> out = new ArrayList<>();
        Optional<MessageRecords> message = c.messageId().map(MessageRecords::new);
        for (LocalDate day : ChainCheck.days(store, first)) {
            if (c.until().isPresent()
                    && day.isAfter(LocalDate.ofInstant(c.until().get(), ZoneOffset.UTC))) {
                break;
            }
            for (EvidenceStore.Entry e : store.read(day)) {
                try {
                    Map<String, String> r = FlatJson.read(e.text());
                    if (c.matches(r, message)) {
                        out.add(r);
                    }
                } catch (RuntimeException unreadable) {
                    // verify names it; find shows what can be read
                }
            }
        }
        return out;
    }

    /** A Message-ID without its angle brackets, as an operator types it. */
    static String bare(String messageId) {
        if (messageId == null) {
            return "";
        }
        String s = messageId.strip();
        return s.startsWith("<") && s.endsWith(">") ? s.substring(1, s.length() - 1) : s;
    }
}
