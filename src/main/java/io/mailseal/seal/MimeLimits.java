package io.mailseal.seal;

import io.mailseal.config.SmtpConfig;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.ParseException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The MIME limits of mail that is to be signed or sealed, checked in one pass over the received
 * bytes before Jakarta Mail builds the tree ({@link SealableMime}, signing): a message of 1.4
 * million empty parts fits in 10 MB, and its tree would not fit in the heap. The scan keeps only
 * the stack of open containers (at most {@code maxDepth}) and one Content-Type value (at most the
 * header section's size), so memory does not grow with the message.
 *
 * <p>It finds the tree as Jakarta Mail will: entities start with a header section ended by an empty
 * line; a multipart with a boundary parameter opens a level whose parts start at a delimiter line
 * ({@code --boundary} and optional white space) and end at the close delimiter ({@code
 * --boundary--}) or at a delimiter of an enclosing multipart (outer boundaries first, as the outer
 * multipart is split first); a message/rfc822 opens a level whose content is one entity (RFC 2046
 * §5.1.1, §5.2.1). A multipart or message/rfc822 with a Content-Transfer-Encoding other than 7bit,
 * 8bit or binary is refused (RFC 2045 §6.4 does not allow it, and Jakarta Mail would decode it into
 * a tree this scan never saw). The reasons are fixed texts; nothing of the message is quoted.
 */
final class MimeLimits {
    private static final byte[] IDENTITY = {}; // marks a message/rfc822 level: no boundary
    private final int maxDepth;
    private final int maxParts;
    private final int maxHeaderFields;
    private final long maxHeaderBytes;

    MimeLimits(int maxDepth, int maxParts, int maxHeaderFields, long maxHeaderBytes) {
        this.maxDepth = maxDepth;
        this.maxParts = maxParts;
        this.maxHeaderFields = maxHeaderFields;
        this.maxHeaderBytes = maxHeaderBytes;
    }

    /**
     * {@code smtp.max-mime-depth}, {@code -parts}, {@code -header-fields}, {@code max-header-size}.
     */
    static MimeLimits of(SmtpConfig.Limits limits) {
        return new MimeLimits(
                limits.maxMimeDepth(),
                limits.maxMimeParts(),
                limits.maxMimeHeaderFields(),
                limits.maxHeaderSize());
    }

    /** What limit {@code message} exceeds, if any. */
    Optional<String> problem(byte[] message) {
        return Optional.ofNullable(new Scan(message).run());
    }

    /** One pass over one message: the open levels and the header section being read. */
    private final class Scan {
        private final byte[] m;
        private final List<byte[]> levels = new ArrayList<>(); // "--boundary", or IDENTITY
        private boolean inHeader = true;
        private int fields;
        private long headerBytes;
        private int parts;
        private StringBuilder contentType;
        private StringBuilder encoding;
        private StringBuilder collecting;

        Scan(byte[] m) {
            this.m = m;
        }

        String run() {
            int pos = 0;
            while (pos < m.length) {
                int end = pos;
                while (end < m.length && m[end] != '\n') {
                    end++;
                }
                int next = end < m.length ? end + 1 : end;
                int length = end - pos - (end > pos && m[end - 1] == '\r' ? 1 : 0);
                String problem =
                        inHeader ? headerLine(pos, length, next - pos) : bodyLine(pos, length);
                if (problem != null) {
                    return problem;
                }
                pos = next;
            }
            return null;
        }

        private String headerLine(int pos, int length, int withEnd) {
            headerBytes += withEnd;
            if (headerBytes > maxHeaderBytes) {
                return "a MIME header section is larger than " + maxHeaderBytes + " bytes";
            }
            if (length == 0) {
                return endOfHeader();
            }
            if (m[pos] == ' ' || m[pos] == '\t') {
                if (collecting != null) {
                    collecting.append(' ').append(text(pos, length));
                }
                return null;
            }
            if (++fields > maxHeaderFields) {
                return "more than " + maxHeaderFields + " header fields in a MIME entity";
            }
            collecting = null;
            String line = text(pos, length);
            int colon = line.indexOf(':');
            String name = colon < 0 ? "" : line.substring(0, colon).strip(); // as Jakarta Mail
            if (contentType == null && name.equalsIgnoreCase("content-type")) {
                contentType = collecting = new StringBuilder(line.substring(colon + 1));
            } else if (encoding == null && name.equalsIgnoreCase("content-transfer-encoding")) {
                encoding = collecting = new StringBuilder(line.substring(colon + 1));
            }
            return null;
        }

        /** Opens the level the entity's Content-Type asks for; a leaf opens none. */
        private String endOfHeader() {
            ContentType type = type();
            inHeader = false;
            boolean multipart = type != null && type.match("multipart/*") && hasBoundary(type);
            boolean rfc822 = type != null && type.match("message/rfc822");
            if (!multipart && !rfc822) {
                return null;
            }
            String cte = encoding == null ? "7bit" : encoding.toString().strip();
            if (!List.of("7bit", "8bit", "binary").contains(cte.toLowerCase(Locale.ROOT))) {
                return "a multipart or message/rfc822 entity has a Content-Transfer-Encoding"
                        + " other than 7bit, 8bit or binary (RFC 2045 6.4)";
            }
            if (levels.size() + 1 > maxDepth) {
                return "MIME nesting deeper than " + maxDepth;
            }
            if (multipart) {
                levels.add(
                        ("--" + type.getParameter("boundary"))
                                .getBytes(StandardCharsets.ISO_8859_1));
                return null;
            }
            levels.add(IDENTITY);
            return startEntity();
        }

        /** A delimiter line of an open multipart starts its next part or closes it. */
        private String bodyLine(int pos, int length) {
            if (length < 2 || m[pos] != '-' || m[pos + 1] != '-') {
                return null;
            }
            for (int level = 0; level < levels.size(); level++) {
                byte[] delimiter = levels.get(level);
                if (delimiter != IDENTITY && startsWith(pos, length, delimiter)) {
                    int rest = pos + delimiter.length;
                    int restLength = length - delimiter.length;
                    if (restLength >= 2 && m[rest] == '-' && m[rest + 1] == '-') {
                        levels.subList(level, levels.size()).clear();
                        return null;
                    }
                    if (isBlank(rest, restLength)) {
                        levels.subList(level + 1, levels.size()).clear();
                        return startEntity();
                    }
                }
            }
            return null;
        }

        private String startEntity() {
            if (++parts > maxParts) {
                return "more than " + maxParts + " MIME parts";
            }
            inHeader = true;
            fields = 0;
            headerBytes = 0;
            contentType = null;
            encoding = null;
            collecting = null;
            return null;
        }

        private ContentType type() {
            if (contentType == null) {
                return null;
            }
            try {
                return new ContentType(contentType.toString());
            } catch (ParseException e) {
                return null; // a leaf here; SealableMime refuses it with its own reason
            }
        }

        private boolean startsWith(int pos, int length, byte[] prefix) {
            if (length < prefix.length) {
                return false;
            }
            for (int i = 0; i < prefix.length; i++) {
                if (m[pos + i] != prefix[i]) {
                    return false;
                }
            }
            return true;
        }

        private boolean isBlank(int pos, int length) {
            for (int i = pos; i < pos + length; i++) {
                if (m[i] != ' ' && m[i] != '\t') {
                    return false;
                }
            }
            return true;
        }

        private String text(int pos, int length) {
            return new String(m, pos, Math.max(0, length), StandardCharsets.ISO_8859_1);
        }
    }

    private static boolean hasBoundary(ContentType type) {
        String boundary = type.getParameter("boundary");
        return boundary != null && !boundary.isEmpty();
    }
}
