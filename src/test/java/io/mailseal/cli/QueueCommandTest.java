package io.mailseal.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailseal.spool.Spool;
import io.mailseal.spool.SpooledMessage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QueueCommandTest {
    @TempDir Path dir;

    private static SpooledMessage message(String id) {
        Instant now = Instant.parse("2026-11-25T10:00:00Z");
        return new SpooledMessage(
                id,
                "otp@bank.example",
                List.of("a@x.example"),
                "otp",
                now,
                now.plusSeconds(600),
                "Subject: [...]\r\n\r\nciphertext\r\n".getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void anIdNamesItsTransactionsFilesNotADsnAboutThemNorALongerId() throws Exception {
        Spool spool = new Spool(dir);
        spool.write(List.of(message("Q1.0"), message("Q1.1")));
        for (String id : List.of("Q1.0.dsn1764064800000", "Q10.0", "Q1x.0")) {
            spool.write(List.of(message(id)));
        }
        assertThat(QueueCommand.files(spool, "Q1")).containsExactlyInAnyOrder("Q1.0", "Q1.1");
        assertThat(QueueCommand.files(spool, "Q1.0")).containsExactly("Q1.0");
        assertThat(QueueCommand.files(spool, "Q1.0.dsn1764064800000"))
                .containsExactly("Q1.0.dsn1764064800000");
        assertThat(QueueCommand.files(spool, "Q1.")).isEmpty();
    }
}
