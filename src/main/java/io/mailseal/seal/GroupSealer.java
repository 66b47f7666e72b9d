package io.mailseal.seal;

import io.mailseal.certs.SigningIdentities;
import io.mailseal.certs.SigningKey;
import io.mailseal.crypto.KeyUnavailableException;
import io.mailseal.crypto.MessageSealer;
import io.mailseal.crypto.SignatureTimestamps;
import io.mailseal.crypto.SigningIdentity;
import io.mailseal.crypto.StampCapture;
import io.mailseal.crypto.TimestampUnavailableException;
import io.mailseal.seal.SealingPlan.Group;
import io.mailseal.seal.SealingPlan.Treatment;
import io.mailseal.smtp.ReceivedMessage;
import io.mailseal.spool.MessageBytes;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Turns each group of a plan into the bytes that leave: pass groups as they came (less Bcc), the
 * others signed with the sender's identity and timestamped (one signature per policy and
 * treatment), then encrypted to the group's certificates (RFC 8551 §3.6: sign, then encrypt).
 */
final class GroupSealer {
    private final SigningIdentities identities;
    private final MessageSealer sealer;
    private final SignatureTimestamps timestamps;

    GroupSealer(
            SigningIdentities identities, MessageSealer sealer, SignatureTimestamps timestamps) {
        this.identities = identities;
        this.sealer = sealer;
        this.timestamps = timestamps;
    }

    /**
     * Call only for a plan that {@link AcceptanceCheck} let through (the sender has an identity
     * when one is needed).
     */
    List<SealedGroup> seal(SealingPlan plan, ReceivedMessage received, MimeMessage mime)
            throws MessagingException,
                    IOException,
                    TimestampUnavailableException,
                    KeyUnavailableException {
        Map<String, Signing> signatures = new HashMap<>();
        List<SealedGroup> sealed = new ArrayList<>();
        for (Group g : plan.groups()) {
            String id = received.queueId() + "." + sealed.size();
            if (g.treatment() == Treatment.PASS) {
                sealed.add(
                        new SealedGroup(
                                id, g, BccRemoval.apply(received.content()), Optional.empty()));
                continue;
            }
            Signing signed = signatures.get(g.signatureKey());
            if (signed == null) {
                signed = sign(g, received.envelopeFrom(), mime);
                signatures.put(g.signatureKey(), signed);
            }
            MimeMessage result =
                    g.treatment() == Treatment.ENCRYPT
                            ? sealer.encrypt(
                                    signed.message(),
                                    g.contentEncryption().orElseThrow(),
                                    g.envelopeRecipients())
                            : signed.message();
            sealed.add(
                    new SealedGroup(
                            id,
                            g,
                            MessageBytes.of(MessageSealer.bytes(result)),
                            Optional.of(signed.signature())));
        }
        return sealed;
    }

    /** One signature, shared by the groups of one policy and treatment. */
    private record Signing(MimeMessage message, SealedGroup.Signed signature) {}

    private Signing sign(Group g, String envelopeFrom, MimeMessage mime)
            throws MessagingException,
                    IOException,
                    TimestampUnavailableException,
                    KeyUnavailableException {
        SigningKey key = identities.keyFor(envelopeFrom).orElseThrow();
        SigningIdentity identity = key.identity();
        StampCapture stamp = new StampCapture(timestamps.forMode(g.policy().timestamp()));
        try {
            MimeMessage signed = sealer.sign(mime, identity, stamp, g.headerProtection());
            return new Signing(signed, new SealedGroup.Signed(identity.certificate(), stamp));
        } catch (KeyUnavailableException e) {
            key.failed(identity, e);
            throw e;
        }
    }
}
