package io.mailseal.it;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A rough but real-world mail hop between the bank and the customer. It does what MTAs, gateways
 * and mbox stores are known to do to a message in transit (RFC 3156 §3 and RFC 8551 §3.1 list them
 * as the reasons for 7-bit, canonical signed content): line ends become LF and back CRLF, trailing
 * blanks are stripped, a line starting with "From " is quoted as ">From ", long lines are broken at
 * 78 characters (headers folded at a blank, body lines cut), and a Received field is prepended.
 */
final class RewrappingHop {
    static final int MAX_LINE = 78;

    private RewrappingHop() {}

    static byte[] forward(byte[] message) {
        String text = new String(message, StandardCharsets.ISO_8859_1).replace("\r\n", "\n");
        List<String> out = new ArrayList<>();
        out.add("Received: from mailseal.bank.example by mx.customer.example with ESMTP id hop1;");
        out.add(" Tue, 1 Dec 2026 10:00:00 +0000");
        boolean inHeader = true;
        for (String line : text.split("\n", -1)) {
            String l = line.stripTrailing();
            if (inHeader && l.isEmpty()) {
                inHeader = false;
            } else if (!inHeader && l.startsWith("From ")) {
                l = ">" + l;
            }
            if (inHeader) {
                fold(l, out);
            } else {
                cut(l, out);
            }
        }
        return String.join("\r\n", out).getBytes(StandardCharsets.ISO_8859_1);
    }

    /**
     * A header line longer than the limit is folded at its last blank before it (RFC 5322 §2.2.3).
     */
    private static void fold(String line, List<String> out) {
        String rest = line;
        while (rest.length() > MAX_LINE) {
            int blank = rest.lastIndexOf(' ', MAX_LINE);
            if (blank <= 1) {
                break;
            }
            out.add(rest.substring(0, blank));
            rest = rest.substring(blank);
        }
        out.add(rest);
    }

    /**
     * A body line longer than the limit is cut into pieces, as a line-length-limited gateway does.
     */
    private static void cut(String line, List<String> out) {
        String rest = line;
        while (rest.length() > MAX_LINE) {
            out.add(rest.substring(0, MAX_LINE));
            rest = rest.substring(MAX_LINE);
        }
        out.add(rest);
    }

    static String describe() {
        return "CRLF to LF and back, trailing blanks stripped, \">From \" quoting, lines broken at "
                + MAX_LINE
                + " characters";
    }
}
