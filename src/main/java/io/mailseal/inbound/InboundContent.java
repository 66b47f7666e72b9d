package io.mailseal.inbound;

import io.mailseal.crypto.KeyUnavailableException;
import io.mailseal.crypto.MessageOpener;
import io.mailseal.crypto.OpenedMessage;
import io.mailseal.delivery.SpooledContent;
import io.mailseal.spool.SpooledMessage;
import java.io.IOException;
import java.util.Optional;

/**
 * What delivery sends to {@code inbound.next-hop} for a spooled inbound message, made in memory
 * when it is sent: the message decrypted again, the verdict fields accepted with it on top, and any
 * Authentication-Results claiming our authserv-id removed. A key that opened it at the end of DATA
 * but is gone now defers it (our fault: 4xx, never the ciphertext in its place).
 */
public final class InboundContent implements SpooledContent {
    private final MessageOpener opener = new MessageOpener();
    private final DecryptionKeys keys;
    private final String authservId;

    public InboundContent(DecryptionKeys keys, String authservId) {
        this.keys = keys;
        this.authservId = authservId;
    }

    @Override
    public byte[] toSend(SpooledMessage m) throws IOException {
        Optional<SpooledForm.Parts> spooled = SpooledForm.read(m.content());
        if (spooled.isEmpty()) {
            return m.content();
        }
        SpooledForm.Parts p = spooled.get();
        OpenedMessage opened;
        try {
            opened = opener.open(p.original(), keys.forRecipients(m.recipients()));
        } catch (KeyUnavailableException.Unchecked e) {
            // a token away: deferred like any other temporary failure, not an unexpected error
            throw new IOException("decryption key unavailable: " + e.getMessage(), e);
        }
        if (p.decrypt() && opened.contentEncryption().isEmpty()) {
            throw new IOException(
                    "cannot decrypt now what was decrypted when accepted: "
                            + opened.problem().orElse("no key"));
        }
        byte[] readable = AuthenticationResults.withoutForged(opened.readable(), authservId);
        byte[] out = new byte[p.verdictFields().length + readable.length];
        System.arraycopy(p.verdictFields(), 0, out, 0, p.verdictFields().length);
        System.arraycopy(readable, 0, out, p.verdictFields().length, readable.length);
        return out;
    }
}
