package io.mailseal.it;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.mail.BodyPart;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Properties;

/**
 * The e-statement the bank sends in the interoperability suite: a UTF-8 Subject (RFC 2047), an
 * 8-bit UTF-8 text part with the lines hops like to damage (long, trailing blanks, "From " at the
 * start), and a small but valid PDF. {@link #assertSameAs} checks that a reader got exactly that
 * back.
 */
final class InteropMail {
    static final String SUBJECT = "Ihr Kontoauszug für März – Größe €";
    static final String TEXT =
            String.join(
                    "\r\n",
                    "Guten Tag Frau Müller,",
                    "",
                    "anbei Ihr Kontoauszug. Überweisungen über 1.000 € prüfen wir zusätzlich; bei Fragen antworten "
                            + "Sie einfach auf diese Nachricht, die Antwort erreicht unser Service-Team direkt.",
                    "Ihre Bank");

    /**
     * Plain ASCII sent as 7bit, yet fragile: a long line, trailing blanks, "From " at a line start.
     */
    static final String NOTICE =
            String.join(
                    "\r\n",
                    "Legal notice: this statement was produced automatically and is valid without a signature by hand; "
                            + "keep it for your records for at least ten years.",
                    "This line ends with blanks   ",
                    "From the bank: a line that an mbox store would quote.",
                    "-- ",
                    "Example Bank");

    static final byte[] PDF = pdf("Kontoauszug 03/2026");

    private InteropMail() {}

    /** The message as the bank's system submits it, with {@code mailClass} choosing the policy. */
    static String message(String to, String mailClass) {
        String boundary = "statement-boundary-7f3a";
        return "From: Example Bank <statements@bank.example>\r\n"
                + "To: "
                + to
                + "\r\n"
                + "Subject: =?UTF-8?B?"
                + b64(SUBJECT.getBytes(StandardCharsets.UTF_8))
                + "?=\r\n"
                + "Message-ID: <interop-"
                + System.nanoTime()
                + "@bank.example>\r\n"
                + "X-Mail-Class: "
                + mailClass
                + "\r\n"
                + "MIME-Version: 1.0\r\n"
                + "Content-Type: multipart/mixed; boundary=\""
                + boundary
                + "\"\r\n\r\n"
                + "--"
                + boundary
                + "\r\n"
                + "Content-Type: text/plain; charset=utf-8\r\n"
                + "Content-Transfer-Encoding: 8bit\r\n\r\n"
                + TEXT
                + "\r\n"
                + "--"
                + boundary
                + "\r\n"
                + "Content-Type: text/plain; charset=us-ascii\r\n"
                + "Content-Transfer-Encoding: 7bit\r\n\r\n"
                + NOTICE
                + "\r\n"
                + "--"
                + boundary
                + "\r\n"
                + "Content-Type: application/pdf; name=\"auszug.pdf\"\r\n"
                + "Content-Disposition: attachment; filename=\"auszug.pdf\"\r\n"
                + "Content-Transfer-Encoding: base64\r\n\r\n"
                + Base64.getMimeEncoder(76, new byte[] {'\r', '\n'}).encodeToString(PDF)
                + "\r\n"
                + "--"
                + boundary
                + "--\r\n";
    }

    /**
     * The signed entity a reader verified (protected headers inside, RFC 9788) carries the bank's
     * Subject, text and PDF unchanged.
     */
    static void assertSameAs(byte[] signedContent, String engine) throws Exception {
        MimeMessage inner =
                new MimeMessage(
                        Session.getInstance(new Properties()),
                        new ByteArrayInputStream(signedContent));
        assertThat(inner.getSubject()).as("%s: protected Subject", engine).isEqualTo(SUBJECT);
        MimeMultipart parts = (MimeMultipart) inner.getContent();
        List<BodyPart> leaves = new ArrayList<>();
        for (int i = 0; i < parts.getCount(); i++) {
            leaves.add(parts.getBodyPart(i));
        }
        assertThat(leaves).as("%s: parts", engine).hasSize(3);
        assertThat(leaves.get(0).isMimeType("text/plain")).isTrue();
        // the CRLF before a boundary belongs to the boundary (RFC 2046 §5.1.1), not to the text
        assertThat(new String(decoded(leaves.get(0)), StandardCharsets.UTF_8))
                .as("%s: UTF-8 text", engine)
                .isEqualTo(TEXT);
        assertThat(new String(decoded(leaves.get(1)), StandardCharsets.US_ASCII))
                .as("%s: ASCII notice", engine)
                .isEqualTo(NOTICE);
        assertThat(leaves.get(2).isMimeType("application/pdf")).isTrue();
        assertThat(leaves.get(2).getFileName()).isEqualTo("auszug.pdf");
        assertThat(decoded(leaves.get(2))).as("%s: PDF bytes", engine).isEqualTo(PDF);
    }

    private static byte[] decoded(BodyPart part) throws Exception {
        try (InputStream in = part.getInputStream()) {
            return in.readAllBytes();
        }
    }

    private static String b64(byte[] bytes) {
        return Base64.getEncoder().encodeToString(bytes);
    }

    /**
     * A one-page PDF 1.4 with one line of text; the cross-reference offsets are computed, so
     * readers accept it.
     */
    private static byte[] pdf(String line) {
        String stream = "BT /F1 18 Tf 72 720 Td (" + line + ") Tj ET";
        List<String> objects =
                List.of(
                        "<< /Type /Catalog /Pages 2 0 R >>",
                        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R"
                                + " /Resources << /Font << /F1 5 0 R >> >> >>",
                        "<< /Length " + stream.length() + " >>\nstream\n" + stream + "\nendstream",
                        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        // the comment of high bytes marks the file as binary (PDF 1.7 §7.5.2), so it must travel
        // base64
        out.writeBytes(
                "%PDF-1.4\n%\u00e2\u00e3\u00cf\u00d3\n".getBytes(StandardCharsets.ISO_8859_1));
        List<Integer> offsets = new ArrayList<>();
        for (int i = 0; i < objects.size(); i++) {
            offsets.add(out.size());
            out.writeBytes(
                    ((i + 1) + " 0 obj\n" + objects.get(i) + "\nendobj\n")
                            .getBytes(StandardCharsets.ISO_8859_1));
        }
        int xref = out.size();
        StringBuilder tail =
                new StringBuilder("xref\n0 " + (objects.size() + 1) + "\n0000000000 65535 f \n");
        for (int offset : offsets) {
            tail.append(String.format("%010d 00000 n \n", offset));
        }
        tail.append("trailer\n<< /Size ")
                .append(objects.size() + 1)
                .append(" /Root 1 0 R >>\nstartxref\n")
                .append(xref)
                .append("\n%%EOF\n");
        out.writeBytes(tail.toString().getBytes(StandardCharsets.ISO_8859_1));
        return out.toByteArray();
    }
}
