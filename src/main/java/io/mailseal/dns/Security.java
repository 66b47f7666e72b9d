package io.mailseal.dns;

/** What DNSSEC proved about an answer that validated (a bogus one is no answer). */
public enum Security {
    /** Signed, and the signatures chain to a trust anchor. */
    SECURE,
    /** Provably unsigned (an insecure delegation), or outside every trust anchor. */
    INSECURE;

    /** The weaker of the two: a chain is only as secure as its least secure step. */
    Security and(Security other) {
        return this == SECURE && other == SECURE ? SECURE : INSECURE;
    }

    /** As {@code lookup} and logs say it. */
    public String describe() {
        return this == SECURE ? "DNSSEC secure" : "DNSSEC insecure";
    }
}
