package io.mailseal.smtp;

import java.util.List;

/** One message as the sending system handed it over, before any decision. */
record ReceivedMessage(String queueId, String envelopeFrom, List<String> recipients, byte[] content) {

    ReceivedMessage {
        recipients = List.copyOf(recipients);
    }
}
