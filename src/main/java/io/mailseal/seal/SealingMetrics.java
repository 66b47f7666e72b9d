package io.mailseal.seal;

import com.codahale.metrics.Timer;

/** What sealing reports, implemented by the relay's metrics registry (admin/). */
public interface SealingMetrics {

    /** outcome: sealed, signed, passed, refused, deferred. */
    void message(String policy, String outcome);

    /** seal, certificate_lookup, spool_write. */
    Timer.Context time(String stage);

    /** One recipient of a sealed message whose certificate is EC: NSS-based clients cannot open it. */
    void ecRecipientSealed();

    /** For tools that decide but never send (explain): counts nothing. */
    SealingMetrics NONE = new SealingMetrics() {
        @Override
        public void message(String policy, String outcome) {
        }

        @Override
        public Timer.Context time(String stage) {
            return new Timer().time();
        }

        @Override
        public void ecRecipientSealed() {
        }
    };
}
