package io.mailseal.inbound;

import java.util.ArrayList;
import java.util.List;

/** A header section split into its fields, each with its continuation lines and CRLFs. */
final class HeaderFields {
    private HeaderFields() {}

    /** {@code section}: header lines, each ending in CRLF. */
    static List<String> split(String section) {
        List<String> fields = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : section.split("(?<=\r\n)")) {
            boolean continuation = line.startsWith(" ") || line.startsWith("\t");
            if (!continuation && current.length() > 0) {
                fields.add(current.toString());
                current.setLength(0);
            }
            current.append(line);
        }
        if (current.length() > 0) {
            fields.add(current.toString());
        }
        return fields;
    }
}
