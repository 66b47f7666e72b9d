package io.mailseal.delivery;

import io.mailseal.config.DeliveryConfig.TlsLevel;

/**
 * A next hop at the TLS level a message needs: what sessions and kept connections are held for, so
 * a connection that went without TLS under {@code may} never carries mail that needs {@code
 * encrypt}.
 */
record HopAtLevel(NextHop hop, TlsLevel level) {}
