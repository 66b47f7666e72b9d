package io.mailseal.inbound;

import io.mailseal.certs.SigningIdentities;
import io.mailseal.certs.SigningKey;
import io.mailseal.crypto.KeyUnavailableException;
import io.mailseal.crypto.SealedMessageReader.DecryptionKey;
import io.mailseal.crypto.SigningIdentity;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The bank's keys a message to these recipients may be encrypted to: every key of each recipient's
 * identity (relay.conf {@code identities}: its address, else its domain; all keys of a rotating
 * identity, since customers encrypt to the certificate they last saw), from the configuration
 * running now, so a reload that adds a key serves the messages already spooled. A key in a PKCS#11
 * token that is away makes this throw: the message waits (451, or a later delivery attempt), it is
 * not judged as encrypted to no key of the bank.
 */
@FunctionalInterface
public interface DecryptionKeys {

    List<DecryptionKey> forRecipients(List<String> recipients);

    static DecryptionKeys of(Supplier<SigningIdentities> identities) {
        return recipients ->
                recipients.stream()
                        .map(r -> identities.get().entryForSender(r))
                        .flatMap(Optional::stream)
                        .distinct()
                        .flatMap(e -> e.keys().stream())
                        .map(DecryptionKeys::key)
                        .toList();
    }

    private static DecryptionKey key(SigningKey key) {
        try {
            SigningIdentity identity = key.identity();
            return new DecryptionKey(
                    identity.privateKey(),
                    identity.certificate(),
                    identity.provider(),
                    () ->
                            key.failed(
                                    identity,
                                    new KeyUnavailableException("decryption failed", null)));
        } catch (KeyUnavailableException e) {
            throw new KeyUnavailableException.Unchecked(e);
        }
    }
}
