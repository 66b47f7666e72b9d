package io.mailseal.dns;

import io.mailseal.config.ConfigException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.xbill.DNS.Master;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/**
 * The DNSSEC trust anchors: DS or DNSKEY records in zone-file form ({@code . IN DS 20326 8 2 ...}),
 * from {@code mailseal.dns.trust-anchors} or, without it, the root zone's anchors shipped in the
 * jar (as IANA publishes them; a root key rollover needs a new file or a new release).
 */
public final class TrustAnchorFile {
    static final String KEY = "mailseal.dns.trust-anchors";
    private static final String SHIPPED = "root-anchors.ds";

    private TrustAnchorFile() {}

    /**
     * The anchors' bytes, checked: at least one DS or DNSKEY record and nothing unparseable.
     *
     * @throws ConfigException naming the key and the file
     */
    public static byte[] read(Optional<Path> file) {
        byte[] text;
        String source = file.map(f -> "\"" + f + "\"").orElse("the shipped root anchors");
        try {
            text = file.isPresent() ? Files.readAllBytes(file.get()) : shipped();
        } catch (NoSuchFileException e) {
            throw problem(source, "cannot be read: no such file");
        } catch (IOException e) {
            throw problem(source, "cannot be read: " + e.getMessage());
        }
        int anchors = 0;
        try (Master zone = new Master(new ByteArrayInputStream(text), Name.root, 0)) {
            for (Record r = zone.nextRecord(); r != null; r = zone.nextRecord()) {
                if (r.getType() != Type.DS && r.getType() != Type.DNSKEY) {
                    throw problem(
                            source,
                            "holds a "
                                    + Type.string(r.getType())
                                    + " record for "
                                    + r.getName()
                                    + ": only DS and DNSKEY records are trust anchors");
                }
                anchors++;
            }
        } catch (IOException e) {
            throw problem(source, "is not a zone file of DS or DNSKEY records: " + e.getMessage());
        }
        if (anchors == 0) {
            throw problem(source, "holds no DS or DNSKEY record");
        }
        return text;
    }

    private static byte[] shipped() throws IOException {
        try (InputStream in = TrustAnchorFile.class.getResourceAsStream(SHIPPED)) {
            if (in == null) {
                throw new IOException("missing from the jar");
            }
            return in.readAllBytes();
        }
    }

    private static ConfigException problem(String source, String why) {
        return new ConfigException(List.of(KEY + ": " + source + " " + why));
    }
}
