package io.mailseal.seal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Random;
import org.eclipse.angus.mail.util.BASE64DecoderStream;
import org.junit.jupiter.api.Test;

class Base64ContentTest {
    @Test
    void agreesWithTheDecoderThatReadsItLater() throws Exception {
        Random random = new Random(20261203);
        byte[] symbols = "AZaz09+/==\r\n !\u00ff".getBytes(StandardCharsets.ISO_8859_1);
        int refused = 0;
        for (int round = 0; round < 20_000; round++) {
            byte[] content = new byte[random.nextInt(14)];
            for (int i = 0; i < content.length; i++) {
                content[i] = symbols[random.nextInt(symbols.length)];
            }
            boolean angus;
            try (InputStream in = new BASE64DecoderStream(new ByteArrayInputStream(content))) {
                in.transferTo(OutputStream.nullOutputStream());
                angus = true;
            } catch (IOException e) {
                angus = false;
                refused++;
            }
            assertThat(Base64Content.decodes(new ByteArrayInputStream(content)))
                    .as("%s", new String(content, StandardCharsets.ISO_8859_1))
                    .isEqualTo(angus);
        }
        assertThat(refused).as("both answers were tried").isBetween(2_000, 18_000);
    }

    @Test
    void aLargeAttachmentIsCheckedAcrossBufferBoundaries() throws Exception {
        byte[] data = new byte[300_001];
        new Random(1).nextBytes(data);
        byte[] encoded = Base64.getMimeEncoder().encode(data);
        assertThat(Base64Content.decodes(new ByteArrayInputStream(encoded))).isTrue();
        byte[] cut = Arrays.copyOf(encoded, encoded.length - 1);
        assertThat(Base64Content.decodes(new ByteArrayInputStream(cut))).isFalse();
    }
}
