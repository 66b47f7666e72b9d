package io.mailseal.inbound;

import io.mailseal.certs.SigningIdentities;
import io.mailseal.crypto.SealedMessageReader.DecryptionKey;
import io.mailseal.crypto.SigningIdentity;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The bank's keys a message to these recipients may be encrypted to: each recipient's identity
 * (relay.conf {@code identities}: its address, else its domain), from the configuration running
 * now, so a reload that adds a key serves the messages already spooled.
 */
@FunctionalInterface
public interface DecryptionKeys {

    List<DecryptionKey> forRecipients(List<String> recipients);

    static DecryptionKeys of(Supplier<SigningIdentities> identities) {
        return recipients ->
                recipients.stream()
                        .map(r -> identities.get().forSender(r))
                        .flatMap(Optional::stream)
                        .distinct()
                        .map(DecryptionKeys::key)
                        .toList();
    }

    private static DecryptionKey key(SigningIdentity identity) {
        return new DecryptionKey(identity.privateKey(), identity.certificate());
    }
}
