package io.mailseal.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.mail.internet.MimeBodyPart;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What makes an entity fragile in transit, and what it looks like once it is hop-proof. */
class SevenBitEntityTest {
    private static final String LONG = "x".repeat(90);

    private static MimeBodyPart part(String headers, String body) throws Exception {
        return new MimeBodyPart(
                new ByteArrayInputStream(
                        (headers + "\r\n" + body).getBytes(StandardCharsets.UTF_8)));
    }

    private static String wire(MimeBodyPart part) throws Exception {
        return new String(MimeEntities.bytes(part), StandardCharsets.US_ASCII);
    }

    private static MimeBodyPart safe(String headers, String body) throws Exception {
        return SevenBitEntity.of(part(headers, body), body.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void plainShortSevenBitTextIsLeftByteForByte() throws Exception {
        MimeBodyPart p =
                part(
                        "Content-Type: text/plain\r\nContent-Transfer-Encoding: 7bit\r\n",
                        "Hello\r\nBye\r\n");
        assertThat(SevenBitEntity.of(p, "Hello\r\nBye\r\n".getBytes(StandardCharsets.US_ASCII)))
                .isSameAs(p);
    }

    @Test
    void sevenBitTextThatAHopWouldChangeBecomesQuotedPrintable() throws Exception {
        String body = LONG + "\r\ntrailing blanks   \r\nFrom the bank\r\n-- \r\nend";
        MimeBodyPart p =
                safe(
                        "Content-Type: text/plain; charset=us-ascii\r\nContent-Transfer-Encoding: 7bit\r\n",
                        body);
        String wire = wire(p);
        assertThat(p.getEncoding()).isEqualTo("quoted-printable");
        assertThat(wire)
                .contains("trailing blanks  =20\r\n")
                .contains("\r\n=46rom the bank\r\n")
                .contains("--=20\r\n")
                .doesNotContain("\nFrom ");
        assertThat(wire.lines())
                .allSatisfy(l -> assertThat(l.length()).isLessThanOrEqualTo(76))
                .noneMatch(l -> l.endsWith(" "));
        assertThat(new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII))
                .isEqualTo(body);
    }

    @Test
    void eightBitBinaryIsBase64AndBareLineEndsCountAsFragile() throws Exception {
        MimeBodyPart p = safe("Content-Type: application/octet-stream\r\n", "a\nb\u00e9");
        assertThat(p.getEncoding()).isEqualTo("base64");
        assertThat(p.getInputStream().readAllBytes())
                .isEqualTo("a\nb\u00e9".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void headerLinesAreFoldedAtBlanksWithoutTrailingBlanks() {
        String folded =
                SevenBitEntity.foldHeader(
                        "Content-Type: multipart/mixed; \r\n\tboundary=\"b\"; hp=clear; "
                                + "name=\""
                                + "n".repeat(30)
                                + "\" "
                                + "more ".repeat(10));
        assertThat(folded.split("\r\n"))
                .allSatisfy(
                        l ->
                                assertThat(l)
                                        .hasSizeLessThanOrEqualTo(78)
                                        .doesNotEndWith(" ")
                                        .doesNotEndWith("\t"));
        assertThat(folded.replaceAll("\r\n[ \t]", " ").replaceAll("\\s+", " "))
                .isEqualTo(
                        ("Content-Type: multipart/mixed; boundary=\"b\"; hp=clear; name=\""
                                        + "n".repeat(30)
                                        + "\" "
                                        + "more ".repeat(10))
                                .strip());
        assertThat(SevenBitEntity.foldHeader("Message-ID: <" + LONG + "@bank.example>"))
                .as("a word longer than a line is never split")
                .contains("\r\n <" + LONG + "@bank.example>");
    }

    @Test
    void aFragileChildIsReEncodedAndItsSiblingsAreKept() throws Exception {
        String body =
                "--b\r\nContent-Type: text/plain\r\n\r\n"
                        + LONG
                        + "\r\n"
                        + "--b\r\nContent-Type: application/pdf\r\nContent-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQK\r\n--b--\r\n";
        MimeBodyPart p = safe("Content-Type: multipart/mixed; boundary=\"b\"\r\n", body);
        String wire = wire(p);
        assertThat(wire)
                .contains("Content-Transfer-Encoding: quoted-printable")
                .contains(
                        "Content-Type: application/pdf\r\nContent-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQK\r\n");
        assertThat(List.of(wire.split("\r\n")))
                .allSatisfy(l -> assertThat(l.length()).isLessThanOrEqualTo(78));
    }

    @Test
    void aHopProofMultipartIsLeftAsItIs() throws Exception {
        String headers = "Content-Type: multipart/mixed; boundary=\"b\"\r\n";
        String body =
                "--b\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: Quoted-Printable\r\n\r\n"
                        + "Your statement=\r\n is attached.\r\n"
                        + "--b\r\nContent-Type: application/pdf\r\nCONTENT-TRANSFER-ENCODING: base64\r\n\r\n"
                        + "JVBERi0xLjQK\r\n--b--\r\n";
        MimeBodyPart p = part(headers, body);
        assertThat(SevenBitEntity.of(p, body.getBytes(StandardCharsets.US_ASCII))).isSameAs(p);
    }

    @Test
    void aPartLabelled8bitIsReEncodedHoweverTheLabelIsWritten() throws Exception {
        for (String label :
                List.of(
                        "Content-Transfer-Encoding: 8bit",
                        "content-transfer-encoding:BINARY",
                        "Content-Transfer-Encoding : 8bit",
                        "Content-Transfer-Encoding:\r\n 8bit",
                        "Content-Transfer-Encoding\u000b: 8bit",
                        "\u0001Content-Transfer-Encoding: binary",
                        "X-Trailing: control\u001f\r\nContent-Transfer-Encoding: 8bit")) {
            String body =
                    "--b\r\nContent-Type: text/plain\r\n"
                            + label
                            + "\r\n\r\nshort 7-bit lines\r\n--b--\r\n";
            String wire = wire(safe("Content-Type: multipart/mixed; boundary=\"b\"\r\n", body));
            assertThat(wire)
                    .as(label)
                    .contains("Content-Transfer-Encoding: quoted-printable")
                    .doesNotContainIgnoringCase("8bit")
                    .doesNotContainIgnoringCase("binary");
        }
    }

    @Test
    void aNestedMultipartOrAnOddFieldGetsTheExactWalk() throws Exception {
        String body =
                "--b\r\nContent-Type: multipart/mixed; boundary=c\r\n"
                        + "Content-Transfer-Encoding: base64\r\n\r\n"
                        + "--c\r\nContent-Type: text/plain\r\n\r\nshort\r\n--c--\r\n--b--\r\n";
        String wire = wire(safe("Content-Type: multipart/mixed; boundary=\"b\"\r\n", body));
        assertThat(wire).doesNotContain("Content-Transfer-Encoding: base64");
        String blankFirst =
                "--b\r\n Content-Transfer-Encoding: 8bit\r\nContent-Type: text/plain\r\n\r\n"
                        + "short\r\n--b--\r\n";
        assertThat(wire(safe("Content-Type: multipart/mixed; boundary=\"b\"\r\n", blankFirst)))
                .as("a part's first header line starting with a blank")
                .contains("Content-Transfer-Encoding: quoted-printable")
                .doesNotContain("8bit");
    }
}
