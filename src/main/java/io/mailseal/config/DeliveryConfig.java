package io.mailseal.config;

import java.time.Duration;

/** {@code delivery { ... }}: the next hop and how hard to try. */
public record DeliveryConfig(HostPort smarthost, TlsLevel tls, Duration retryInitial,
                             Duration retryMax, Duration maxAge, Duration timeout) {

    /** Ordered: each level demands everything the one before it does. */
    public enum TlsLevel { NONE, MAY, ENCRYPT, VERIFY }
}
