package io.mailseal.evidence;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Which outcome records are about one message: those with its Message-ID (acceptance, refusal) and,
 * once one of them is seen, those with its queue ids (delivery results, which are recorded from the
 * spool and carry no Message-ID). Fed records in chain order.
 */
final class MessageRecords {
    private final String messageId;
    private final Set<String> queueIds = new HashSet<>();

    MessageRecords(String messageId) {
        this.messageId = EvidenceQuery.bare(messageId);
    }

    String messageId() {
        return messageId;
    }

    boolean contains(Map<String, String> r) {
        if (!"outcome".equals(r.get("kind"))) {
            return false;
        }
        if (messageId.equals(EvidenceQuery.bare(r.get("message_id")))) {
            queueIds.add(r.get("queue_id"));
            return true;
        }
        return queueIds.contains(r.get("queue_id"));
    }
}
