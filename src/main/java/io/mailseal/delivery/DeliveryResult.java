package io.mailseal.delivery;

import java.util.Optional;

/** How one delivery attempt ended for one recipient, as decided by {@link FailureClassifier}. */
public sealed interface DeliveryResult {

    /**
     * The next hop took responsibility (2xx after DATA): {@code reply} is its final reply (escaped
     * peer text), {@code nextHop} the host, {@code tls} what the connection had ("none", or
     * dane-verified, verified or encrypted-unverified with the protocol and cipher suite); the last
     * two are empty where a partly failed transaction only said the recipient was taken.
     */
    record Delivered(String reply, String nextHop, String tls) implements DeliveryResult {

        /** Taken, by a hop and over a connection not known here. */
        public Delivered(String reply) {
            this(reply, "", "");
        }

        /** For the log line: where, how, and what the hop said. */
        public String describe() {
            return nextHop.isEmpty()
                    ? reply
                    : "accepted by " + nextHop + ", TLS " + tls + ": " + reply;
        }
    }

    /** Try again later: 4xx, a broken connection, or anything not understood. */
    record Deferred(String reason) implements DeliveryResult {}

    /**
     * Refused for good (5xx): by the next hop's reply, or by this relay (no such domain, bad
     * address). {@code remoteMta}: the host whose reply it is, for a DSN's Remote-MTA (RFC 3464
     * §2.3.5) — present exactly when the next hop refused.
     */
    record Failed(int code, String reason, Source source, Optional<String> remoteMta)
            implements DeliveryResult {
        public Failed {
            if (remoteMta.isPresent() != (source == Source.NEXT_HOP)) {
                throw new IllegalArgumentException(
                        "a remote MTA is named for a next hop's reply, and only then");
            }
        }

        /** Found by this relay: no remote MTA answered. */
        public Failed(int code, String reason, Source source) {
            this(code, reason, source, Optional.empty());
        }
    }

    /** Not sent because the message outlived its policy's max-age: never delivered late. */
    record Expired() implements DeliveryResult {}

    /**
     * Who found a recipient undeliverable; a DSN names it as the diagnostic type (RFC 3464 §2.3.6).
     */
    enum Source {
        NEXT_HOP,
        RELAY
    }
}
