package io.mailseal.delivery;

import java.util.List;

/** One SMTP transaction to the next hop: envelope and the exact bytes to send. */
public record OutboundMessage(String envelopeFrom, List<String> recipients, byte[] content) {

    public OutboundMessage {
        recipients = List.copyOf(recipients);
    }
}
