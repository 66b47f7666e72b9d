package io.mailseal.it;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;

/**
 * Seeded random mutations of well-formed bank mail into malformed MIME: broken boundaries, 8-bit
 * header garbage, invalid RFC 2047 words, deep nesting, missing headers, no header/body separator,
 * bad Content-Type / transfer encoding / charset, truncation, and (rarely) bare LFs and over-long
 * lines. Messages are lists of lines, joined with CRLF.
 *
 * <p>{@link #MARKER} stands for a one-time code: it appears in the Subject and in body text only.
 * Mutations never move a body line above the header/body separator except by removing the separator
 * itself, and never rename the Subject field, so in every mutated message the marker is in the
 * Subject or in the body: wherever it is, a protected policy must never let it out in plaintext.
 */
final class MimeMutator {
    static final String MARKER = "QX7MARKER493817";
    private static final String[] GARBAGE_TYPES = {
        "text/",
        ";;;",
        "multipart/mixed; boundary=",
        "text/plain; charset=\"unterminated",
        "multipart/alternative",
        "x/y; =;",
        "message/rfc822; a==b",
        "multipart/mixed; boundary=\"\"",
        "text/plain; charset=x-unknown-charset"
    };
    private static final String[] GARBAGE_ENCODINGS = {
        "base65", "quoted-printable", "base64", "8bit", "binary", "x-uuencode", "", "7bit; x=y"
    };
    private static final String[] BROKEN_WORDS = {
        "=?utf-8?Q?broken",
        "=?bogus-charset?B?!!!?=",
        "=?utf-8?X?abc?=",
        "=?utf-8?B?w6k=?==?utf-8?B?%%%?=",
        "=?=?=?",
        "=??Q?x?=",
        "=?utf-8?Q?=ZZ=?="
    };

    private final Random random;
    private final List<Consumer<List<String>>> mutations =
            List.of(
                    this::breakBoundary,
                    this::dropBoundaryParameter,
                    this::eightBitHeaderGarbage,
                    this::brokenEncodedWord,
                    this::nestDeep,
                    this::deleteHeader,
                    this::dropSeparator,
                    this::badContentType,
                    this::badTransferEncoding,
                    this::truncate,
                    this::shuffleBodyLines,
                    this::flipBodyBytes,
                    this::badHeaderLine,
                    this::nulInHeader);

    MimeMutator(long seed) {
        this.random = new Random(seed);
    }

    /** One mutated message: a random well-formed one with one to four mutations. */
    byte[] next() {
        List<String> lines = new ArrayList<>(template(random.nextInt(5)));
        int n = 1 + random.nextInt(4);
        for (int i = 0; i < n; i++) {
            mutations.get(random.nextInt(mutations.size())).accept(lines);
        }
        if (random.nextInt(40) == 0) {
            lines.add(
                    2 + random.nextInt(lines.size() - 2), "x".repeat(1000 + random.nextInt(2000)));
        }
        String text = String.join("\r\n", lines) + "\r\n";
        if (random.nextInt(40) == 0) {
            int at = text.indexOf("\r\n", random.nextInt(text.length()));
            if (at >= 0) {
                text = text.substring(0, at) + text.substring(at + 1); // a bare LF
            }
        }
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** Well-formed bank mail, in Latin-1 byte form (UTF-8 text already encoded). */
    static List<String> template(int kind) {
        String utf8Text =
                new String(
                        "Ihr Code für die Anmeldung: ".getBytes(StandardCharsets.UTF_8),
                        StandardCharsets.ISO_8859_1);
        List<String> header =
                new ArrayList<>(
                        List.of(
                                "From: Example Bank <otp@bank.example>",
                                "To: alice@customer.example",
                                "Subject: Your code " + MARKER,
                                "Date: Tue, 1 Dec 2026 10:00:00 +0000",
                                "Message-ID: <fuzz@bank.example>",
                                "X-Mail-Class: otp",
                                "MIME-Version: 1.0"));
        List<String> body =
                switch (kind) {
                    case 0 ->
                            List.of(
                                    "Content-Type: text/plain; charset=us-ascii",
                                    "",
                                    "Dear customer,",
                                    "Your one-time code is " + MARKER + ".",
                                    "Never share it with anyone.");
                    case 1 ->
                            List.of(
                                    "Content-Type: multipart/mixed; boundary=\"b1\"",
                                    "",
                                    "This is a multi-part message in MIME format.",
                                    "--b1",
                                    "Content-Type: text/plain; charset=us-ascii",
                                    "",
                                    "Your statement is attached, ref " + MARKER,
                                    "--b1",
                                    "Content-Type: application/pdf; name=\"statement.pdf\"",
                                    "Content-Transfer-Encoding: base64",
                                    "Content-Disposition: attachment",
                                    "",
                                    Base64.getEncoder()
                                            .encodeToString(
                                                    "%PDF-1.4 fake statement "
                                                            .repeat(8)
                                                            .getBytes(StandardCharsets.US_ASCII))
                                            .substring(0, 76),
                                    "--b1--");
                    case 2 ->
                            List.of(
                                    "Content-Type: multipart/alternative; boundary=alt",
                                    "",
                                    "--alt",
                                    "Content-Type: text/plain; charset=utf-8",
                                    "Content-Transfer-Encoding: 8bit",
                                    "",
                                    utf8Text + MARKER,
                                    "--alt",
                                    "Content-Type: text/html; charset=utf-8",
                                    "Content-Transfer-Encoding: quoted-printable",
                                    "",
                                    "<p>Your code is <b>" + MARKER + "</b>=2E</p>",
                                    "--alt--",
                                    "epilogue text");
                    case 3 ->
                            List.of(
                                    "Content-Type: multipart/mixed; boundary=outer",
                                    "",
                                    "--outer",
                                    "Content-Type: multipart/alternative; boundary=inner",
                                    "",
                                    "--inner",
                                    "Content-Type: text/plain",
                                    "",
                                    "Your code is " + MARKER,
                                    "--inner--",
                                    "--outer",
                                    "Content-Type: message/rfc822",
                                    "",
                                    "Subject: forwarded",
                                    "",
                                    "Inner code " + MARKER,
                                    "--outer--");
                    default ->
                            List.of(
                                    "Content-Type: text/plain; charset=utf-8",
                                    "Content-Transfer-Encoding: 8bit",
                                    "",
                                    utf8Text + MARKER,
                                    "Grüße".replace("ü", "\u00c3\u00bc"));
                };
        List<String> all = new ArrayList<>(header);
        if (kind != 4) {
            all.set(2, "Subject: =?UTF-8?Q?Your_code_" + MARKER + "?=");
        }
        all.addAll(body);
        return all;
    }

    private int separator(List<String> lines) {
        int i = lines.indexOf("");
        return i < 0 ? lines.size() : i;
    }

    private boolean isSubject(String line) {
        return line.regionMatches(true, 0, "Subject:", 0, 8);
    }

    private int bodyIndex(List<String> lines) {
        int sep = separator(lines);
        return sep + 1 >= lines.size() ? -1 : sep + 1 + random.nextInt(lines.size() - sep - 1);
    }

    private int headerIndex(List<String> lines) {
        int sep = separator(lines);
        return sep == 0 ? -1 : random.nextInt(sep);
    }

    private void breakBoundary(List<String> lines) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith("--") && random.nextBoolean()) {
                String l = lines.get(i);
                lines.set(
                        i,
                        switch (random.nextInt(4)) {
                            case 0 -> l.substring(0, Math.max(2, l.length() - 1));
                            case 1 -> l.endsWith("--") ? l.substring(0, l.length() - 2) : l + "--";
                            case 2 -> "-" + l;
                            default -> l + " trailing";
                        });
            }
        }
    }

    private void dropBoundaryParameter(List<String> lines) {
        lines.replaceAll(l -> l.replaceAll("; ?boundary=\"?[^\";]*\"?", ""));
    }

    private void eightBitHeaderGarbage(List<String> lines) {
        int i = headerIndex(lines);
        if (i >= 0 && lines.get(i).contains(":")) {
            StringBuilder garbage = new StringBuilder();
            for (int k = 0; k < 1 + random.nextInt(12); k++) {
                garbage.append((char) (0x80 + random.nextInt(0x80)));
            }
            lines.set(i, lines.get(i) + " " + garbage);
        }
    }

    private void brokenEncodedWord(List<String> lines) {
        int i = headerIndex(lines);
        if (i >= 0 && lines.get(i).contains(":")) {
            lines.set(i, lines.get(i) + " " + BROKEN_WORDS[random.nextInt(BROKEN_WORDS.length)]);
        }
    }

    /** Wraps everything after the top Content-Type in up to 250 levels of multipart/mixed. */
    private void nestDeep(List<String> lines) {
        int depth = 1 + random.nextInt(random.nextBoolean() ? 20 : 250);
        int sep = separator(lines);
        List<String> inner = new ArrayList<>(lines.subList(Math.max(0, sep - 1), lines.size()));
        for (int d = 0; d < depth; d++) {
            List<String> wrapped = new ArrayList<>();
            wrapped.add("Content-Type: multipart/mixed; boundary=\"n" + d + "\"");
            wrapped.add("");
            wrapped.add("--n" + d);
            wrapped.addAll(inner);
            wrapped.add("--n" + d + "--");
            inner = wrapped;
        }
        lines.subList(Math.max(0, sep - 1), lines.size()).clear();
        lines.addAll(inner);
    }

    private void deleteHeader(List<String> lines) {
        int i = headerIndex(lines);
        if (i >= 0) {
            lines.remove(i);
        }
    }

    private void dropSeparator(List<String> lines) {
        int sep = separator(lines);
        if (sep < lines.size()) {
            lines.remove(sep);
        }
    }

    private void badContentType(List<String> lines) {
        List<Integer> at = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).regionMatches(true, 0, "Content-Type:", 0, 13)) {
                at.add(i);
            }
        }
        if (!at.isEmpty()) {
            lines.set(
                    at.get(random.nextInt(at.size())),
                    "Content-Type: " + GARBAGE_TYPES[random.nextInt(GARBAGE_TYPES.length)]);
        }
    }

    private void badTransferEncoding(List<String> lines) {
        int sep = separator(lines);
        String cte =
                "Content-Transfer-Encoding: "
                        + GARBAGE_ENCODINGS[random.nextInt(GARBAGE_ENCODINGS.length)];
        lines.add(
                random.nextBoolean() || sep == lines.size()
                        ? sep
                        : sep + 1 + random.nextInt(lines.size() - sep),
                cte);
    }

    private void truncate(List<String> lines) {
        int i = bodyIndex(lines);
        if (i >= 0) {
            String l = lines.get(i);
            lines.set(i, l.substring(0, random.nextInt(l.length() + 1)));
            lines.subList(i + 1, lines.size()).clear();
        }
    }

    private void shuffleBodyLines(List<String> lines) {
        int a = bodyIndex(lines);
        int b = bodyIndex(lines);
        if (a >= 0) {
            switch (random.nextInt(3)) {
                case 0 -> lines.remove(a);
                case 1 -> lines.add(a, lines.get(b));
                default -> java.util.Collections.swap(lines, a, b);
            }
        }
    }

    private void flipBodyBytes(List<String> lines) {
        int i = bodyIndex(lines);
        if (i >= 0 && !lines.get(i).isEmpty()) {
            char[] c = lines.get(i).toCharArray();
            for (int k = 0; k < 1 + random.nextInt(4); k++) {
                char b;
                do {
                    b = (char) random.nextInt(256);
                } while (b == '\r' || b == '\n'
                        || b == ':'); // no new header fields out of body text
                c[random.nextInt(c.length)] = b;
            }
            lines.set(i, new String(c));
        }
    }

    /**
     * A header line that is not a field: no colon, spaces or 8-bit in the name, or a leading
     * continuation.
     */
    private void badHeaderLine(List<String> lines) {
        int i = headerIndex(lines);
        if (i < 0 || isSubject(lines.get(i))) {
            return;
        }
        String l = lines.get(i);
        lines.set(
                i,
                switch (random.nextInt(4)) {
                    case 0 -> l.replaceFirst(":", "");
                    case 1 -> "Bad Name " + l;
                    case 2 -> "\u00dcml\u00e4ut-" + l;
                    default -> " " + l;
                });
    }

    private void nulInHeader(List<String> lines) {
        int i = headerIndex(lines);
        if (i >= 0) {
            lines.set(i, lines.get(i) + "\0");
        }
    }
}
