package io.mailseal.evidence;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The README of a proof bundle: what it proves and the exact commands, each on a line of its own
 * after "$ ", run from the unpacked bundle's directory (the export test runs exactly these lines).
 */
final class ProofReadme {
    private ProofReadme() {}

    static String recordFile(long position) {
        return String.format("records/%012d.json", position);
    }

    static String tokenFile(Map<String, String> record) {
        return String.format("tokens/%012d.tst", Long.parseLong(record.get("seq")));
    }

    static String text(String messageId, ProofBundle.Segment segment, Set<String> fingerprints) {
        List<String> lines = segment.lines();
        Map<String, String> anchor = FlatJson.read(segment.anchor());
        String anchored = recordFile(Long.parseLong(anchor.get("anchors")));
        StringBuilder t = new StringBuilder();
        t.append("Evidence of the mail with Message-ID <")
                .append(messageId)
                .append("> from the mailseal evidence journal.\n\n")
                .append("records/ holds ")
                .append(lines.size())
                .append(" consecutive journal records, each file the exact bytes of one record.\n")
                .append("Each record's \"prev\" is the SHA-256 of the record before it; the TSA\n")
                .append("timestamped the last one (anchor/anchor.tst), so none of them can have\n")
                .append("changed since the time in that token. Records of other mail in the same\n")
                .append("window are included because the chain passes through them.\n\n")
                .append("Run from this directory (openssl and coreutils only):\n\n")
                .append("1. The chain links (prints \"chain OK\"):\n")
                .append(
                        "$ sh -c 'prev=; for f in records/*.json; do if [ -n \"$prev\" ] && ! grep -q")
                .append(
                        " \"\\\"prev\\\":\\\"$prev\\\"\" \"$f\"; then echo \"broken at $f\"; exit 1; fi;")
                .append(" prev=$(sha256sum \"$f\" | cut -c1-64); done; echo chain OK'\n\n")
                .append(
                        "2. The anchor: the TSA's token over the last record (prints \"Verification: OK\"):\n")
                .append("$ openssl ts -verify -data ")
                .append(anchored)
                .append(" -in anchor/anchor.tst -token_in -CAfile tsa-ca.pem\n")
                .append("$ openssl ts -reply -in anchor/anchor.tst -token_in -text\n\n");
        t.append("3. The message's own records and their signature timestamps:\n");
        for (String line : lines) {
            Map<String, String> r = FlatJson.read(line);
            if (!segment.ofMessage(r)) {
                continue;
            }
            t.append("   ")
                    .append(recordFile(Long.parseLong(r.get("seq"))))
                    .append(": ")
                    .append(r.get("outcome"))
                    .append(" to ")
                    .append(r.get("to"))
                    .append(" at ")
                    .append(r.get("time"))
                    .append('\n');
            if (r.containsKey("token")) {
                t.append("$ openssl ts -verify -digest ")
                        .append(r.get("signature_sha256"))
                        .append(" -in ")
                        .append(tokenFile(r))
                        .append(" -token_in -CAfile tsa-ca.pem\n");
            }
        }
        t.append(
                        "\n4. The delivered message: whoever holds it saves it as message.eml, exactly as\n")
                .append(
                        "received (the bytes after the SMTP DATA, with CRLF line ends), and runs:\n");
        lines.stream()
                .map(FlatJson::read)
                .filter(segment::ofMessage)
                .map(r -> r.get("sha256"))
                .filter(h -> h != null)
                .distinct()
                .forEach(
                        h ->
                                t.append("$ echo \"")
                                        .append(h)
                                        .append("  message.eml\" | sha256sum -c -\n"));
        t.append("\n5. The certificates the records name by SHA-256 fingerprint (signer,\n")
                .append(
                        "recipient): the file name is the fingerprint; each command prints it back:\n");
        fingerprints.stream()
                .filter(f -> f.matches("[0-9a-f]{64}"))
                .forEach(
                        f ->
                                t.append("$ openssl x509 -in certificates/")
                                        .append(f)
                                        .append(".pem -outform DER | sha256sum | grep ")
                                        .append(f)
                                        .append('\n'));
        t.append("\nWhat this does not prove: what the message said (the journal never holds\n")
                .append("its content or Subject), nor that the recipient read it; \"delivered\"\n")
                .append("means the next hop answered the reply recorded, over the TLS recorded.\n");
        return t.toString();
    }
}
