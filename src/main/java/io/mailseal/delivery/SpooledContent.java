package io.mailseal.delivery;

import io.mailseal.spool.SpooledMessage;
import java.io.IOException;

/**
 * The bytes sent for a spooled message, made when it is sent: the spooled bytes themselves for
 * sealed mail; for inbound mail (spooled as it arrived, encrypted) the decrypted message, made in
 * memory by the {@code inbound} room, so no plaintext is ever at rest. An exception defers the
 * attempt (our fault, retried like an unreachable hop).
 */
@FunctionalInterface
public interface SpooledContent {
    SpooledContent AS_SPOOLED = SpooledMessage::content;

    byte[] toSend(SpooledMessage m) throws IOException;
}
