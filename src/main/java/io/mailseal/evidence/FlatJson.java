package io.mailseal.evidence;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A journal line: one flat JSON object of string members (RFC 8259), written in 7-bit ASCII (every
 * other character as a {@code \}{@code uXXXX} escape) so the bytes hashed are the bytes any tool
 * reads back. Only what {@link #write} produces is read: a line that does not parse is a break in
 * the chain, not something to guess at.
 */
final class FlatJson {
    private FlatJson() {}

    static String write(Map<String, String> members) {
        StringBuilder out = new StringBuilder("{");
        members.forEach(
                (k, v) -> {
                    if (out.length() > 1) {
                        out.append(',');
                    }
                    quote(out, k).append(':');
                    quote(out, v);
                });
        return out.append('}').toString();
    }

    private static StringBuilder quote(StringBuilder out, String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20 || c > 0x7e) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.append('"');
    }

    /** The members of a line {@link #write} made; throws IllegalArgumentException otherwise. */
    static Map<String, String> read(String line) {
        Map<String, String> members = new LinkedHashMap<>();
        int[] at = {0};
        expect(line, at, '{');
        while (at[0] < line.length() && line.charAt(at[0]) != '}') {
            if (!members.isEmpty()) {
                expect(line, at, ',');
            }
            String key = string(line, at);
            expect(line, at, ':');
            if (members.put(key, string(line, at)) != null) {
                throw new IllegalArgumentException("member " + key + " twice");
            }
        }
        expect(line, at, '}');
        if (at[0] != line.length()) {
            throw new IllegalArgumentException("text after the object");
        }
        return members;
    }

    private static void expect(String line, int[] at, char c) {
        if (at[0] >= line.length() || line.charAt(at[0]) != c) {
            throw new IllegalArgumentException("expected '" + c + "' at offset " + at[0]);
        }
        at[0]++;
    }

    private static String string(String line, int[] at) {
        expect(line, at, '"');
        StringBuilder s = new StringBuilder();
        while (true) {
            if (at[0] >= line.length()) {
                throw new IllegalArgumentException("unterminated string");
            }
            char c = line.charAt(at[0]++);
            if (c == '"') {
                return s.toString();
            }
            if (c != '\\') {
                s.append(c);
            } else if (line.startsWith("u", at[0]) && at[0] + 5 <= line.length()) {
                s.append((char) Integer.parseInt(line.substring(at[0] + 1, at[0] + 5), 16));
                at[0] += 5;
            } else if (at[0] < line.length()) {
                s.append(line.charAt(at[0]++));
            }
        }
    }
}
