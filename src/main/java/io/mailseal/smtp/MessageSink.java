package io.mailseal.smtp;

/**
 * Where the intake hands each message at the end of DATA. The verdict is the reply the sending
 * system gets: {@code 250} only once the message is safe. An exception thrown here is answered
 * {@code 451 4.3.0}.
 */
@FunctionalInterface
public interface MessageSink {

    Verdict accept(ReceivedMessage message);
}
