package io.mailseal.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.subethamail.smtp.internal.io.DotTerminatedInputStream;
import org.subethamail.smtp.internal.io.DotUnstuffingInputStream;

class DotStreamTest {
    private static final byte[] SYMBOLS = ".\r\na".getBytes(StandardCharsets.US_ASCII);

    /** Content and what is left in the input after it, read {@code chunk} bytes at a time. */
    private static String[] read(InputStream content, InputStream input, Random sizes)
            throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[64];
        int n;
        while ((n = content.read(buf, 0, sizes == null ? 64 : 1 + sizes.nextInt(20))) != -1) {
            assertThat(n).as("read returns at least one byte").isPositive();
            out.write(buf, 0, n);
        }
        return new String[] {
            out.toString(StandardCharsets.ISO_8859_1),
            new String(input.readAllBytes(), StandardCharsets.ISO_8859_1)
        };
    }

    @Test
    void readsWhatSubEthaSmtpsStreamsReadAndLeavesWhatFollows() throws Exception {
        Random random = new Random(20261203);
        for (int round = 0; round < 5_000; round++) {
            StringBuilder m = new StringBuilder("a"); // the first line: see below
            int length = random.nextInt(40);
            for (int i = 0; i < length; i++) {
                m.append((char) SYMBOLS[random.nextInt(SYMBOLS.length)]);
            }
            byte[] wire = (m + "\r\n.\r\nQUIT\r\n" + m).getBytes(StandardCharsets.ISO_8859_1);
            InputStream theirs = new BufferedInputStream(new ByteArrayInputStream(wire), 16);
            InputStream ours = new BufferedInputStream(new ByteArrayInputStream(wire), 16);
            String[] expected =
                    read(
                            new DotUnstuffingInputStream(new DotTerminatedInputStream(theirs)),
                            theirs,
                            null);
            assertThat(read(new DotStream(ours), ours, random))
                    .as("%s", m.toString().replace("\r", "\\r").replace("\n", "\\n"))
                    .containsExactly(expected);
        }
    }

    @Test
    void aPeriodStartingTheFirstLineIsTakenAwayToo() throws Exception {
        // RFC 5321 4.5.2; SubEthaSMTP's unstuffing only looks after a CRLF it has seen
        InputStream in =
                new BufferedInputStream(
                        new ByteArrayInputStream(
                                "..first\r\n..second\r\n.\r\n"
                                        .getBytes(StandardCharsets.US_ASCII)));
        assertThat(read(new DotStream(in), in, null)).containsExactly(".first\r\n.second\r\n", "");
    }

    @Test
    void aConnectionClosedBeforeTheEndIsAnError() {
        InputStream in =
                new BufferedInputStream(
                        new ByteArrayInputStream(
                                "text\r\n.\r".getBytes(StandardCharsets.US_ASCII)));
        assertThatThrownBy(() -> new DotStream(in).readAllBytes()).isInstanceOf(EOFException.class);
    }
}
