package io.mailseal.evidence;

import java.io.IOException;
import java.security.cert.X509Certificate;
import java.util.List;

/** Where the rooms that decide outcomes report them: the {@link Journal}, or nothing. */
public interface Evidence {

    /**
     * Records {@code outcomes} in the chain and keeps {@code certificates} (signer's, recipients')
     * for export; returns once all of it is durable, throws when it is not.
     */
    void record(List<Outcome> outcomes, List<X509Certificate> certificates) throws IOException;

    /** False when nothing is kept: callers then need not build records at all. */
    default boolean kept() {
        return true;
    }

    /** The journal is off ({@code evidence.enabled = false}). */
    Evidence NONE =
            new Evidence() {
                @Override
                public void record(List<Outcome> outcomes, List<X509Certificate> certificates) {}

                @Override
                public boolean kept() {
                    return false;
                }
            };
}
