package io.mailseal.delivery;

import io.mailseal.config.DeliveryConfig.TlsLevel;
import java.util.List;
import org.xbill.DNS.TLSARecord;

/**
 * A next hop at the TLS level a message needs: what sessions and kept connections are held for, so
 * a connection that went without TLS under {@code may} never carries mail that needs {@code
 * encrypt}.
 *
 * @param tlsa at level {@code dane}: the records the certificate must match (never empty then)
 */
record HopAtLevel(NextHop hop, TlsLevel level, List<TLSARecord> tlsa) {

    HopAtLevel {
        tlsa = List.copyOf(tlsa);
    }

    HopAtLevel(NextHop hop, TlsLevel level) {
        this(hop, level, List.of());
    }
}
