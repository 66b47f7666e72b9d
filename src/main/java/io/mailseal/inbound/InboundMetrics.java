package io.mailseal.inbound;

/**
 * What the inbound pipeline reports; implemented by {@code admin.RelayMetrics}, so that {@code
 * admin} depends on {@code inbound}, not the reverse.
 */
public interface InboundMetrics {

    /**
     * One message at the end of DATA, per policy: its overall {@code smime} result and whether it
     * was queued, refused (5xx) or deferred (4xx).
     */
    void inbound(String policy, String verdict, String outcome);
}
