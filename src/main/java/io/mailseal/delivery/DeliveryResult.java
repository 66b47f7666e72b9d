package io.mailseal.delivery;

/** How one delivery attempt ended for one recipient, as decided by {@link FailureClassifier}. */
public sealed interface DeliveryResult {

    /** The next hop took responsibility (2xx after DATA). */
    record Delivered(String reply) implements DeliveryResult {
    }

    /** Try again later: 4xx, a broken connection, or anything not understood. */
    record Deferred(String reason) implements DeliveryResult {
    }

    /** Refused for good (5xx): by the next hop's reply, or by this relay (no such domain, bad address). */
    record Failed(int code, String reason, Source source) implements DeliveryResult {
    }

    /** Not sent because the message outlived its policy's max-age: never delivered late. */
    record Expired() implements DeliveryResult {
    }

    /** Who found a recipient undeliverable; a DSN names it as the diagnostic type (RFC 3464 §2.3.6). */
    enum Source { NEXT_HOP, RELAY }
}
