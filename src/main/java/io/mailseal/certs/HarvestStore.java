package io.mailseal.certs;

import java.io.IOException;
import java.util.Optional;

/**
 * Where harvested and imported customer certificates are kept, one {@link Harvest} per address (the
 * next replaces it): files beside the spool ({@link HarvestFiles}) for one node, or the shared
 * store's database for several. What is stored is validated on every lookup, like a certificate
 * from any other source.
 */
public interface HarvestStore {
    /** How {@code lookup} and {@code explain} name it, e.g. {@code harvest:/var/lib/harvest}. */
    String name();

    /**
     * Nothing stored is "not found"; a store that cannot answer is unavailable, never "not found".
     */
    Lookup lookup(String address);

    /**
     * The client's announced algorithms, when its signed mail carried them; empty when none are
     * stored or the store cannot say now (the crypto choice then falls back to what every client
     * reads).
     */
    Optional<SenderCapabilities> capabilities(String address);

    /** Replaces what is stored for the harvest's address; returns once it is durable. */
    void store(Harvest harvest) throws IOException;

    /**
     * The capabilities as DER, for the crypto {@code auto} choice (which reads them like a
     * certificate's extension).
     */
    default Optional<byte[]> announcedCapabilities(String address) {
        return capabilities(address).map(SenderCapabilities::encoded);
    }
}
