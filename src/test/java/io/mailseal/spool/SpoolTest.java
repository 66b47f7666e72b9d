package io.mailseal.spool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
        new Spool(dir).write(List.of(message("A1.0")));
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
        spool.write(List.of(message("good")));
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

    @Test
    void aPartlyDeliveredMessageIsReplacedWholeAndADeletedOneReadsAsGone() throws Exception {
        Spool spool = new Spool(dir);
        SpooledMessage m = message("P1.0");
        spool.write(List.of(m));
        spool.replace(m.withRecipients(List.of("b@y.example")));
        assertThat(spool.read("P1.0")).get().extracting(SpooledMessage::recipients)
                .isEqualTo(List.of("b@y.example"));
        assertThat(new Spool(dir).recover()).hasSize(1);
        spool.remove("P1.0");
        assertThat(spool.read("P1.0")).isEmpty();
        assertThat(spool.replace(m.withRecipients(List.of("b@y.example")))).as("not brought back").isFalse();
        assertThat(spool.read("P1.0")).isEmpty();
    }

    @Test
    void allOrNoneOfOneTransactionIsQueued() throws Exception {
        Spool spool = new Spool(dir);
        spool.write(List.of(message("D1.0")));
        assertThatThrownBy(() -> spool.write(List.of(message("D2.0"), message("D1.0"))))
                .isInstanceOf(java.nio.file.FileAlreadyExistsException.class);
        assertThat(new Spool(dir).recover()).extracting(SpooledMessage::id).containsExactly("D1.0");
    }

    @Test
    void writersThatArriveDuringAFlushShareTheNextOne() throws Exception {
        java.util.concurrent.CountDownLatch firstFlushHeld = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.atomic.AtomicInteger runs = new java.util.concurrent.atomic.AtomicInteger();
        GroupSync sync = new GroupSync(() -> {
            if (runs.incrementAndGet() == 1) {
                firstFlushHeld.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        });
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(8);
        try {
            java.util.concurrent.Future<?> first = pool.submit(() -> {
                sync.awaitDurable();
                return null;
            });
            firstFlushHeld.await();
            List<java.util.concurrent.Future<Object>> waiting = new java.util.ArrayList<>();
            for (int i = 0; i < 7; i++) {
                waiting.add(pool.submit(() -> {
                    sync.awaitDurable();
                    return null;
                }));
            }
            while (sync.requested() < 8) {
                Thread.onSpinWait(); // all seven are inside awaitDurable, behind the held flush
            }
            release.countDown();
            first.get();
            for (java.util.concurrent.Future<Object> f : waiting) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(sync.flushes()).as("one flush for the first writer, one shared by the seven").isEqualTo(2);
    }

    @Test
    void aFailedFlushFailsTheWriterItCovered() {
        GroupSync failing = new GroupSync(() -> {
            throw new java.io.IOException("EIO");
        });
        assertThatThrownBy(failing::awaitDurable).hasMessageContaining("EIO");
    }
}
