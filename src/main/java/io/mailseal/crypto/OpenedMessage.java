package io.mailseal.crypto;

import java.util.List;
import java.util.Optional;

/**
 * A customer's message after {@link MessageOpener}: what protected it and the message to deliver.
 *
 * @param encrypted it came encrypted (whether or not it could be opened)
 * @param contentEncryption the content cipher of the envelope that was opened, e.g. AES-256-GCM
 * @param keyManagement how the content key reached the bank, e.g. RSAES-OAEP
 * @param signatures every signature found, outermost layer first
 * @param problem why it could not be opened (not encrypted to a key given, malformed): the message
 *     is then {@code readable} as it came
 * @param readable the message to deliver: the original header fields around the innermost entity a
 *     mail client reads without a key (a multipart/signed stays, so the agent's client can check it
 *     too); the original bytes when nothing was unwrapped
 * @param signedMessage the original header fields around the last signed layer, as a client would
 *     have received it unencrypted: what certificate harvest reads
 */
public record OpenedMessage(
        boolean encrypted,
        String contentEncryption,
        String keyManagement,
        List<SignatureFinding> signatures,
        Optional<String> problem,
        byte[] readable,
        Optional<byte[]> signedMessage) {

    public OpenedMessage {
        signatures = List.copyOf(signatures);
    }

    public boolean signed() {
        return !signatures.isEmpty();
    }
}
