package io.mailseal.evidence;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * {@code mailseal evidence export}: a zip a third party checks with openssl and coreutils alone —
 * the message's records and every record between them and the next anchor (the chain segment; it
 * holds other mail's envelope records of that window too, never content), the anchor's token over
 * the last record of the segment, each message timestamp token, the certificates the records name
 * by fingerprint, the TSA's CA certificates, and {@link ProofReadme}'s exact commands.
 */
public final class ProofBundle {
    private final EvidenceStore store;
    private final EvidenceCertificates certificates;

    /** The journal in {@code store}, the certificates its records name in {@code certificates}. */
    public ProofBundle(EvidenceStore store, EvidenceCertificates certificates) {
        this.store = store;
        this.certificates = certificates;
    }

    /**
     * Writes the bundle for {@code messageId} to {@code out}; {@code tsaCa} are the PEM files of
     * the TSA's trust anchors. Throws naming what is missing (no such message, not yet anchored).
     */
    public void export(String messageId, List<Path> tsaCa, Path out) throws IOException {
        String id = EvidenceQuery.bare(messageId);
        Segment segment = segment(id);
        try (OutputStream file = Files.newOutputStream(out);
                ZipOutputStream zip = new ZipOutputStream(file)) {
            Set<String> fingerprints = new LinkedHashSet<>();
            for (String line : segment.lines()) {
                Map<String, String> r = FlatJson.read(line);
                String name = ProofReadme.recordFile(Long.parseLong(r.get("seq")));
                put(zip, name, line.getBytes(StandardCharsets.ISO_8859_1));
                if (segment.ofMessage(r) && r.containsKey("token")) {
                    put(zip, ProofReadme.tokenFile(r), Base64.getDecoder().decode(r.get("token")));
                }
                if (segment.ofMessage(r)) {
                    fingerprints.add(r.getOrDefault("signer", ""));
                    fingerprints.add(r.getOrDefault("recipient_cert", ""));
                }
            }
            put(zip, "anchor/anchor.json", segment.anchor().getBytes(StandardCharsets.ISO_8859_1));
            Map<String, String> anchor = FlatJson.read(segment.anchor());
            put(zip, "anchor/anchor.tst", Base64.getDecoder().decode(anchor.get("token")));
            for (String fp : fingerprints) {
                Optional<String> pem = certificates.pem(fp);
                if (pem.isPresent()) {
                    put(
                            zip,
                            "certificates/" + fp + ".pem",
                            pem.get().getBytes(StandardCharsets.US_ASCII));
                }
            }
            StringBuilder ca = new StringBuilder();
            for (Path p : tsaCa) {
                ca.append(Files.readString(p, StandardCharsets.US_ASCII));
            }
            put(zip, "tsa-ca.pem", ca.toString().getBytes(StandardCharsets.US_ASCII));
            put(
                    zip,
                    "README.txt",
                    ProofReadme.text(id, segment, fingerprints).getBytes(StandardCharsets.UTF_8));
        }
    }

    private static void put(ZipOutputStream zip, String name, byte[] data) throws IOException {
        zip.putNextEntry(new ZipEntry(name));
        zip.write(data);
        zip.closeEntry();
    }

    /**
     * The lines from the message's first record to the record the next anchor after its last one
     * stamps, and that anchor.
     */
    record Segment(MessageRecords message, List<String> lines, String anchor) {
        boolean ofMessage(Map<String, String> r) {
            return message.contains(r);
        }
    }

    /** Two passes: where the message's last record is, then the segment up to its anchor. */
    private Segment segment(String id) throws IOException {
        MessageRecords message = new MessageRecords(id);
        long first = -1;
        long last = -1;
        for (LocalDate day : store.days()) {
            for (EvidenceStore.Entry e : store.read(day)) {
                if (message.contains(FlatJson.read(e.text()))) {
                    first = first < 0 ? e.position() : first;
                    last = e.position();
                }
            }
        }
        if (last < 0) {
            throw new IOException("no evidence record has Message-ID <" + id + ">");
        }
        List<String> lines = new ArrayList<>();
        for (LocalDate day : store.days()) {
            for (EvidenceStore.Entry e : store.read(day)) {
                Map<String, String> r = FlatJson.read(e.text());
                if (e.position() > last
                        && "anchor".equals(r.get("kind"))
                        && Long.parseLong(r.get("anchors")) >= last) {
                    return new Segment(
                            message, upTo(lines, Long.parseLong(r.get("anchors"))), e.text());
                }
                if (e.position() >= first) {
                    lines.add(e.text()); // earlier anchors too: they are links of the chain
                }
            }
        }
        throw new IOException(
                "record "
                        + last
                        + " of <"
                        + id
                        + "> is not anchored yet: the relay anchors every"
                        + " evidence.anchor-interval and when it stops; export again after that");
    }

    private static List<String> upTo(List<String> lines, long position) {
        return lines.stream().filter(l -> ChainText.position(l) <= position).toList();
    }
}
