package io.mailseal.smtp;

import java.util.List;

/** One message as the sending system handed it over, before any decision. */
public record ReceivedMessage(
        String queueId, String envelopeFrom, List<String> recipients, byte[] content) {

    public ReceivedMessage {
        recipients = List.copyOf(recipients);
    }
}
