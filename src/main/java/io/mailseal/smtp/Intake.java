package io.mailseal.smtp;

import io.mailseal.config.SmtpConfig;

/**
 * What every transaction of one intake shares: its configuration, where messages go, the memory
 * budget and the watch over slow clients.
 */
record Intake(
        SmtpConfig config,
        MessageSink sink,
        QueueIds queueIds,
        MemoryBudget budget,
        SessionWatch watch) {

    DataReader dataReader() {
        return new DataReader(
                (int) config.maxMessageSize(),
                config.limits().maxLineLength(),
                config.limits().maxHeaderSize());
    }
}
