package io.mailseal.it;

/**
 * docs/INTEROP.md in two parts, each written by its own test: what customers' engines open of the
 * bank's mail ({@code InteropIT}), then, from {@link #INBOUND_MARKER} on, what mailseal reads of
 * customers' mail ({@code InboundInteropIT}).
 */
final class InteropDocs {
    static final String INBOUND_MARKER = "<!-- inbound, written by InboundInteropIT";

    private InteropDocs() {}

    static String outbound(String docs) {
        int i = docs.indexOf(INBOUND_MARKER);
        return i < 0 ? docs : docs.substring(0, i);
    }

    static String inbound(String docs) {
        int i = docs.indexOf(INBOUND_MARKER);
        return i < 0 ? "" : docs.substring(i);
    }
}
