package io.mailseal.it;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the interoperability suite measured, rendered as docs/INTEROP.md. Every cell comes from a
 * tool's run; nothing here is typed by hand, and nothing varies between runs with the same engines
 * (no dates, serial numbers or paths), so the document can be compared in CI.
 */
final class InteropMatrix {
    /** One engine column: name, version as the tool reported it (or "not installed"), clients. */
    record Engine(String name, String version, String clients) {}

    private static final String METHOD =
            """

            ## How this file is made

            `InteropIT` starts the relay with the demo PKI on loopback, gives each envelope choice its own
            customer (RSA or EC certificate; `crypto.overrides` or the certificate's S/MIME capabilities
            pick the algorithms) and sends each an e-statement: UTF-8 Subject, 8-bit UTF-8 text, a 7-bit
            part with a long line, trailing blanks and a line starting with "From ", and a PDF. Each
            delivered message is handed to:

            - OpenSSL: `openssl cms -decrypt`, `openssl cms -verify` against the demo CA, and
              `openssl ts -verify` on the timestamp token in the SignerInfo's unsigned attributes;
            - NSS: `cmsutil -D` with the key imported by `pk12util` and the CA trusted by `certutil`,
              then `cmsutil -D -c content -u 4 -h 1` on the detached signature (`GoodSignature`);
            - gpgsm: in a GNUPGHOME of its own, the key imported from a PKCS#12 with the legacy PBE
              (3DES key bag, SHA-1 MAC), the CA in trustlist.txt, CRL checks off; `gpgsm --decrypt`, then
              `gpgsm --verify` of the detached signature (`GOODSIG`, `VALIDSIG`, `TRUST_FULLY`).

            "opens" means decrypted, signature verified and the content identical to what the bank sent
            (Subject, text, PDF bytes); "refuses" quotes the engine's own error. mvn verify writes
            target/interop/INTEROP.md and fails when it differs from this file while the engine
            versions in the first line are the same; with other versions the comparison is skipped.
            After a deliberate change: `mvn -B verify -Dit.test=InteropIT -Dinterop.docs=write`.
            """;

    private final List<Engine> engines = new ArrayList<>();
    private final Map<String, Map<String, String>> envelopes = new LinkedHashMap<>();
    private final Map<String, Map<String, String>> signatures = new LinkedHashMap<>();
    private final Set<String> notes = new LinkedHashSet<>();

    synchronized void engine(Engine e) {
        engines.add(e);
    }

    synchronized List<Engine> engines() {
        return List.copyOf(engines);
    }

    /** {@code row}: the envelope as read from its DER, and the setting that chose it. */
    synchronized void envelope(String row, String engine, String cell) {
        envelopes.computeIfAbsent(row, k -> new LinkedHashMap<>()).put(engine, cell);
    }

    synchronized void signature(String row, String engine, String cell) {
        signatures.computeIfAbsent(row, k -> new LinkedHashMap<>()).put(engine, cell);
    }

    synchronized void note(String note) {
        notes.add(note);
    }

    /**
     * The engines' versions, one line: two runs whose versions agree must render the same document.
     */
    synchronized String versions() {
        return engines.stream()
                .map(e -> e.name() + " " + e.version())
                .reduce((a, b) -> a + ", " + b)
                .orElse("");
    }

    /** The first line of the document: which engines it was measured with. */
    String versionsMarker() {
        return "<!-- measured with: " + versions() + " -->";
    }

    synchronized Map<String, String> cells(String envelopeRow) {
        return Map.copyOf(envelopes.getOrDefault(envelopeRow, Map.of()));
    }

    synchronized List<String> column(String engine) {
        return envelopes.values().stream()
                .map(cells -> cells.getOrDefault(engine, "not tested"))
                .toList();
    }

    synchronized String render() {
        StringBuilder md = new StringBuilder();
        md.append(versionsMarker()).append('\n');
        md.append("# Interoperability: which engines open what mailseal sends\n\n")
                .append(
                        "Written by the integration test `InteropIT` (`mvn verify`), which sends real mail through the\n")
                .append(
                        "relay and hands every delivered message to each engine's own command-line tool. Do not edit\n")
                .append("by hand: see \"How this file is made\" below.\n\n")
                .append(
                        "## Engines\n\n| engine | version | mail clients built on it |\n|---|---|---|\n");
        for (Engine e : engines) {
            md.append("| ")
                    .append(e.name())
                    .append(" | ")
                    .append(e.version())
                    .append(" | ")
                    .append(e.clients())
                    .append(" |\n");
        }
        md.append(
                "\n## Envelopes: decrypted, signature verified, content (text, UTF-8 Subject, PDF) identical\n\n");
        table(md, "envelope (read from the message) — mailseal setting", envelopes);
        md.append("\n## Signatures (clear-signed multipart/signed, CAdES-T timestamp)\n\n");
        table(md, "check", signatures);
        if (!notes.isEmpty()) {
            md.append("\n## Notes\n\n");
            notes.forEach(n -> md.append("- ").append(n).append('\n'));
        }
        md.append(METHOD);
        return md.toString();
    }

    private void table(StringBuilder md, String heading, Map<String, Map<String, String>> rows) {
        table(md, heading, engines.stream().map(Engine::name).toList(), rows);
    }

    /**
     * A markdown table: one row per key of {@code rows}, one column per name in {@code columns}.
     */
    static void table(
            StringBuilder md,
            String heading,
            List<String> columns,
            Map<String, Map<String, String>> rows) {
        md.append("| ").append(heading).append(" |");
        columns.forEach(c -> md.append(' ').append(c).append(" |"));
        md.append("\n|---|");
        columns.forEach(c -> md.append("---|"));
        md.append('\n');
        rows.forEach(
                (row, cells) -> {
                    md.append("| ").append(row).append(" |");
                    columns.forEach(
                            c ->
                                    md.append(' ')
                                            .append(cells.getOrDefault(c, "not tested"))
                                            .append(" |"));
                    md.append('\n');
                });
    }
}
