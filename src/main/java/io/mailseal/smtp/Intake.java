package io.mailseal.smtp;

import io.mailseal.config.SmtpConfig;
import java.util.function.Supplier;

/** What every transaction of one intake shares: its configuration and where messages go. */
record Intake(SmtpConfig config, Supplier<SealingPipeline> pipeline, QueueIds queueIds) {

    DataReader dataReader() {
        return new DataReader((int) config.maxMessageSize(), config.limits().maxLineLength(),
                config.limits().maxHeaderSize());
    }
}
