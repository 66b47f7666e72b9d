package io.mailseal.seal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SealableMimeTest {
    private static final SealableMime CHECK = new SealableMime(3);
    private static final String HEAD =
            "Received: from x\r\n\tby y\r\nFrom: otp@bank.example\r\nSubject: code\r\n";

    private static Optional<String> problem(String message) throws Exception {
        byte[] bytes = message.getBytes(StandardCharsets.ISO_8859_1);
        return CHECK.problem(bytes, MimeParsing.parse(bytes));
    }

    private static String nested(int depth) {
        StringBuilder m = new StringBuilder(HEAD);
        for (int d = 0; d < depth; d++) {
            m.append("Content-Type: multipart/mixed; boundary=b")
                    .append(d)
                    .append("\r\n\r\n--b")
                    .append(d)
                    .append("\r\n");
        }
        m.append("Content-Type: text/plain; charset=utf-8\r\n\r\ntext\r\n");
        for (int d = depth - 1; d >= 0; d--) {
            m.append("--b").append(d).append("--\r\n");
        }
        return m.toString();
    }

    @Test
    void wellFormedMailPassesUpToTheDepthLimit() throws Exception {
        assertThat(problem(HEAD + "\r\nbody\r\n")).isEmpty();
        assertThat(
                        problem(
                                HEAD
                                        + "X-8bit: \u00e9\u00ff\r\nSubject: =?utf-8?Q?broken\r\n\r\nbody\r\n"))
                .isEmpty();
        assertThat(problem("\r\nno header at all is no header field outside\r\n")).isEmpty();
        assertThat(problem(nested(3))).isEmpty();
        assertThat(problem(nested(4))).contains("MIME nesting deeper than 3");
    }

    @Test
    void bodyLinesThatWouldBecomeHeaderFieldsAreRefused() throws Exception {
        assertThat(problem(HEAD + "Your code is 123456\r\n"))
                .contains("a header line is not a header field (RFC 5322 2.2)");
        assertThat(problem(HEAD + "Code:123456\r\n"))
                .as("a field, but no body follows")
                .contains("no empty line between header section and body (RFC 5322 2.1)");
        assertThat(problem(" folded first\r\n" + HEAD + "\r\nbody\r\n")).isPresent();
        assertThat(problem(HEAD + "Bad Name: x\r\n\r\nbody\r\n")).isPresent();
        assertThat(problem(HEAD + ": no name\r\n\r\nbody\r\n")).isPresent();
    }

    @Test
    void brokenStructureIsNamedWithoutQuotingTheMessage() throws Exception {
        String mixed = "Content-Type: multipart/mixed; boundary=b1\r\n\r\n";
        assertThat(problem(HEAD + mixed + "--b2\r\n\r\nsecret 123456\r\n--b2--\r\n")).isPresent();
        assertThat(problem(HEAD + mixed + "--b1\r\n\r\nsecret 123456\r\n"))
                .contains("multipart without its parts or closing delimiter (RFC 2046 5.1.1)");
        assertThat(problem(HEAD + "Content-Type: multipart/mixed\r\n\r\nsecret 123456\r\n"))
                .contains("multipart without boundary (RFC 2046 5.1.1)");
        assertThat(problem(HEAD + "Content-Type: text/plain; charset=\"secret 123456\r\n\r\nx\r\n"))
                .contains("a Content-Type cannot be parsed (RFC 2045 5.1)");
        assertThat(problem(HEAD + "Content-Transfer-Encoding: base65\r\n\r\nx\r\n"))
                .contains("unknown Content-Transfer-Encoding (RFC 2045 6)");
        assertThat(problem(HEAD + "Content-Type: text/plain; charset=x-nonesuch\r\n\r\nx\r\n"))
                .contains("unknown charset");
        assertThat(
                        problem(
                                HEAD.replace("Subject: code", "Subject: =?x-nonesuch?Q?a?=")
                                        + "\r\nx\r\n"))
                .contains("Subject has an encoded-word in an unknown charset (RFC 2047)");
        assertThat(problem(HEAD + "Content-Transfer-Encoding: base64\r\n\r\n!!!\u00ff===AB\r\n"))
                .contains("content does not decode as its headers say");
    }

    @Test
    void base64IsDecodedWhereverItIs() throws Exception {
        String mixed = "Content-Type: multipart/mixed; boundary=b1\r\n\r\n--b1\r\n";
        String part = "Content-Transfer-Encoding: BASE64\r\n\r\n";
        String end = "\r\n--b1--\r\n";
        assertThat(problem(HEAD + part + "c2Vj\r\ncmV0\r\nIDEy\r\n!MzQ1\u00e9Ng==\r\n"))
                .as("characters outside the alphabet are skipped (RFC 2045 6.8)")
                .isEmpty();
        assertThat(problem(HEAD + mixed + part + "c2VjcmV0IDEyMzQ1Ng==" + end)).isEmpty();
        assertThat(problem(HEAD + mixed + part + "c2VjcmV0IDEyMzQ1N" + end))
                .as("one character left over: not a whole byte")
                .contains("content does not decode as its headers say");
        assertThat(problem(HEAD + mixed + part + "c2Vj=mV0" + end))
                .contains("content does not decode as its headers say");
    }
}
