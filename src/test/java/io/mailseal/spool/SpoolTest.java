package io.mailseal.spool;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpoolTest {
    @TempDir
    Path dir;

    static SpooledMessage message(String id) {
        return new SpooledMessage(id, "otp@bank.example", List.of("a@x.example", "b@y.example"), "otp",
                Instant.parse("2026-11-25T10:00:00Z"), Instant.parse("2026-11-25T10:10:00Z"),
                "Subject: [...]\r\n\r\nciphertext\r\n".getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void writtenMessagesComeBackWholeAfterARestart() throws Exception {
        new Spool(dir).write(message("A1.0"));
        List<SpooledMessage> back = new Spool(dir).recover();
        assertThat(back).hasSize(1);
        SpooledMessage m = back.get(0);
        assertThat(m.id()).isEqualTo("A1.0");
        assertThat(m.recipients()).containsExactly("a@x.example", "b@y.example");
        assertThat(m.expires()).isEqualTo(Instant.parse("2026-11-25T10:10:00Z"));
        assertThat(m.content()).isEqualTo(message("x").content());
    }

    @Test
    void tornOrAlteredFilesGoToCorruptAndUnacknowledgedWritesAreDropped() throws Exception {
        Spool spool = new Spool(dir);
        spool.write(message("good"));
        byte[] whole = Spool.encode(message("torn"));
        Files.write(dir.resolve("queue/torn"), Arrays.copyOf(whole, whole.length - 10));
        byte[] altered = Spool.encode(message("altered"));
        altered[40] ^= 1;
        Files.write(dir.resolve("queue/altered"), altered);
        Files.write(dir.resolve("tmp/half"), Arrays.copyOf(whole, 20));

        List<SpooledMessage> back = new Spool(dir).recover();
        assertThat(back).extracting(SpooledMessage::id).containsExactly("good");
        assertThat(dir.resolve("corrupt/torn")).exists();
        assertThat(dir.resolve("corrupt/altered")).exists();
        assertThat(dir.resolve("tmp/half")).doesNotExist();
    }
}
