package io.mailseal.smtp;

/**
 * Text a peer chose (HELO names, addresses, user names), made safe for one log line: control
 * characters (C0, DEL, C1 including NEL U+0085), ANSI escapes (ESC), the line and paragraph
 * separators U+2028/2029 and the backslash are written as {@code \\uXXXX} / {@code \\\\}, so a peer
 * can neither forge a log line nor drive a terminal. Long text is cut at 200 characters.
 */
final class PeerText {
    private static final int LONGEST = 200;

    private PeerText() {}

    static String escape(String text) {
        StringBuilder out = new StringBuilder(Math.min(text.length(), LONGEST) + 16);
        for (int i = 0; i < text.length() && i < LONGEST; i++) {
            char c = text.charAt(i);
            if (c == '\\') {
                out.append("\\\\");
            } else if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return text.length() > LONGEST ? out.append("...").toString() : out.toString();
    }
}
