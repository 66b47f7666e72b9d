package io.mailseal.seal;

/** What sealing reports, implemented by the relay's metrics registry (admin/). */
public interface SealingMetrics {

    /** outcome: sealed, signed, passed, refused, deferred. */
    void message(String policy, String outcome);

    /** Starts timing seal, certificate_lookup or spool_write; closing it records the time. */
    Timing time(String stage);

    /**
     * One recipient of a sealed message whose certificate is EC: NSS-based clients cannot open it.
     */
    void ecRecipientSealed();

    /** A running measurement (try-with-resources). */
    interface Timing extends AutoCloseable {
        @Override
        void close();
    }

    /** For tools that decide but never send (explain): counts nothing. */
    SealingMetrics NONE =
            new SealingMetrics() {
                @Override
                public void message(String policy, String outcome) {}

                @Override
                public Timing time(String stage) {
                    return () -> {};
                }

                @Override
                public void ecRecipientSealed() {}
            };
}
