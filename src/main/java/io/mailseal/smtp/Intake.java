package io.mailseal.smtp;

import io.mailseal.config.SmtpConfig;

/** What every transaction of one intake shares: its configuration and where messages go. */
record Intake(SmtpConfig config, MessageSink sink, QueueIds queueIds) {

    DataReader dataReader() {
        return new DataReader(
                (int) config.maxMessageSize(),
                config.limits().maxLineLength(),
                config.limits().maxHeaderSize());
    }
}
