package io.mailseal.text;

/**
 * Text a peer chose (HELO names, addresses, user names, a next hop's replies, a TSA's status text,
 * an OCSP, CRL, key-service or LDAP server's error), made safe for one log line, one 7-bit
 * header-like field (a DSN's Diagnostic-Code), the spool's attempt record and JSON: everything but
 * printable ASCII (control characters: C0 with CR and LF, DEL, C1 including NEL U+0085; ANSI
 * escapes, ESC; the line and paragraph separators U+2028/2029; any other non-ASCII character) and
 * the backslash are written as {@code \\uXXXX} / {@code \\\\}, so a peer can neither forge a log
 * line or a header line nor drive a terminal. Long text is cut. The one copy of this rule: every
 * room that passes peer text on escapes it here, where the text comes in.
 */
public final class PeerText {
    /** Enough for a HELO name or an address; longer text is cut. */
    public static final int LONGEST = 200;

    /**
     * Enough for a server's reply: RFC 5321 §4.5.3.1.5 allows 512 octets a reply line, and a DSN's
     * Diagnostic-Code line stays well below RFC 5322's 998.
     */
    public static final int REPLY_LONGEST = 600;

    private PeerText() {}

    /** {@code text} escaped and cut after {@link #LONGEST} characters. */
    public static String escape(String text) {
        return escape(text, LONGEST);
    }

    /**
     * {@code text} escaped; once the escaped form reaches {@code longest} characters the rest is
     * cut and "..." marks the cut.
     */
    public static String escape(String text, int longest) {
        StringBuilder out = new StringBuilder(Math.min(text.length(), longest) + 16);
        int i = 0;
        for (; i < text.length() && out.length() < longest; i++) {
            char c = text.charAt(i);
            if (c == '\\') {
                out.append("\\\\");
            } else if (c < ' ' || c > '~') {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return i < text.length() ? out.append("...").toString() : out.toString();
    }
}
