package io.mailseal.inbound;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How an inbound message is spooled: as it arrived (ciphertext stays ciphertext), after one marker
 * field {@code X-Mailseal-Inbound: <n>; decrypt=yes|no} and the {@code n} bytes of header fields
 * the verdict adds. The marker is what tells delivery, after a restart too, to decrypt again before
 * sending ({@code decrypt=yes}: the message was decrypted when it was accepted, so a failure to do
 * so now is our fault, retried).
 */
final class SpooledForm {
    private static final Pattern MARKER =
            Pattern.compile("X-Mailseal-Inbound: (\\d{1,7}); decrypt=(yes|no)\r\n");

    /** The parts of a spooled inbound message. */
    record Parts(byte[] verdictFields, byte[] original, boolean decrypt) {}

    private SpooledForm() {}

    static byte[] write(String verdictFields, byte[] original, boolean decrypt) {
        byte[] fields = verdictFields.getBytes(StandardCharsets.US_ASCII);
        byte[] marker =
                ("X-Mailseal-Inbound: "
                                + fields.length
                                + "; decrypt="
                                + (decrypt ? "yes" : "no")
                                + "\r\n")
                        .getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[marker.length + fields.length + original.length];
        System.arraycopy(marker, 0, out, 0, marker.length);
        System.arraycopy(fields, 0, out, marker.length, fields.length);
        System.arraycopy(original, 0, out, marker.length + fields.length, original.length);
        return out;
    }

    /** Empty for anything else in the inbound spool (a DSN the delivery wrote). */
    static Optional<Parts> read(byte[] spooled) {
        String head =
                new String(spooled, 0, Math.min(spooled.length, 64), StandardCharsets.US_ASCII);
        Matcher m = MARKER.matcher(head);
        if (!m.lookingAt()) {
            return Optional.empty();
        }
        int start = m.end();
        int n = Integer.parseInt(m.group(1));
        if (start + n > spooled.length) {
            return Optional.empty();
        }
        return Optional.of(
                new Parts(
                        Arrays.copyOfRange(spooled, start, start + n),
                        Arrays.copyOfRange(spooled, start + n, spooled.length),
                        "yes".equals(m.group(2))));
    }
}
