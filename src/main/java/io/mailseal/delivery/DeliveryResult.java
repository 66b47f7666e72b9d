package io.mailseal.delivery;

/** How one delivery attempt ended, as decided by {@link FailureClassifier}. */
public sealed interface DeliveryResult {

    /** The next hop took responsibility (2xx after DATA). */
    record Delivered(String reply) implements DeliveryResult {
    }

    /** Try again later: 4xx, a broken connection, or anything not understood. */
    record Deferred(String reason) implements DeliveryResult {
    }

    /** The next hop refused for good (5xx). */
    record Failed(int code, String reason) implements DeliveryResult {
    }
}
