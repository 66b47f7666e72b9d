package io.mailseal.spool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.mailseal.testing.Eventually;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

class SpoolTest {
    @TempDir Path dir;

    static SpooledMessage message(String id) {
        return message(id, Instant.parse("2026-11-25T10:00:00Z"));
    }

    static SpooledMessage message(String id, Instant created) {
        return new SpooledMessage(
                id,
                "otp@bank.example",
                List.of("a@x.example", "b@y.example"),
                "otp",
                created,
                created.plus(java.time.Duration.ofMinutes(10)),
                "Subject: [...]\r\n\r\nciphertext\r\n".getBytes(StandardCharsets.US_ASCII));
    }

    /** The file {@code f} as {@link SpoolFile#writeTo} writes it. */
    static byte[] encoded(SpoolFile f) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        f.writeTo(Channels.newChannel(out));
        return out.toByteArray();
    }

    @Test
    void aLargeMessageIsWrittenByteForByteBetweenHeaderAndEndRecordAndAFlippedByteIsCaught()
            throws Exception {
        byte[] content = new byte[5 * 64 * 1024 + 123]; // several slices, the last one partial
        new java.util.Random(17).nextBytes(content);
        SpooledMessage m =
                new SpooledMessage(
                        "big",
                        "news@bank.example",
                        List.of("x@other.example"),
                        "default",
                        Instant.parse("2026-11-25T10:00:00Z"),
                        Instant.parse("2026-11-30T10:00:00Z"),
                        content);
        Spool spool = new Spool(dir);
        spool.write(List.of(m));

        byte[] file = Files.readAllBytes(dir.resolve("queue/big"));
        int trailer = "\nEND ".length() + 64 + 1;
        int start = file.length - trailer - content.length;
        assertThat(new String(file, 0, start, StandardCharsets.UTF_8))
                .startsWith("MAILSEAL-SPOOL 1\n")
                .endsWith("length " + content.length + "\n\n");
        assertThat(Arrays.copyOfRange(file, start, start + content.length)).isEqualTo(content);
        String sha =
                java.util.HexFormat.of()
                        .formatHex(
                                java.security.MessageDigest.getInstance("SHA-256")
                                        .digest(Arrays.copyOf(file, file.length - trailer)));
        assertThat(new String(file, file.length - trailer, trailer, StandardCharsets.US_ASCII))
                .isEqualTo("\nEND " + sha + "\n");
        assertThat(spool.read("big").orElseThrow().content()).isEqualTo(content);

        file[start + content.length - 7] ^= 1; // in the last, partial slice
        Files.write(dir.resolve("queue/big"), file);
        assertThat(spool.readForDelivery("big")).isEmpty();
        assertThat(dir.resolve("corrupt/big")).exists();
    }

    @Test
    void aRewrittenHeaderAndTheReceivedBodyAreWrittenAsOneMessageAndChecked() throws Exception {
        byte[] received =
                "Bcc: audit@bank.example\r\nSubject: s\r\n\r\nbody\r\n"
                        .getBytes(StandardCharsets.US_ASCII);
        int blank = "Bcc: audit@bank.example\r\nSubject: s\r\n".length();
        MessageBytes bytes =
                new MessageBytes(
                        "Subject: s\r\n".getBytes(StandardCharsets.US_ASCII), received, blank);
        SpooledMessage m =
                new SpooledMessage(
                        "rw",
                        "news@bank.example",
                        List.of("x@other.example"),
                        "default",
                        Instant.parse("2026-11-25T10:00:00Z"),
                        Instant.parse("2026-11-30T10:00:00Z"),
                        bytes,
                        "");
        Spool spool = new Spool(dir);
        spool.write(List.of(m));

        byte[] expected = "Subject: s\r\n\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII);
        assertThat(spool.read("rw").orElseThrow().content()).isEqualTo(expected);
        byte[] file = Files.readAllBytes(dir.resolve("queue/rw"));
        assertThat(new String(file, StandardCharsets.US_ASCII))
                .contains(
                        "length "
                                + expected.length
                                + "\n\n"
                                + new String(expected, StandardCharsets.US_ASCII)
                                + "\nEND ");
        int body = new String(file, StandardCharsets.US_ASCII).indexOf("body");
        file[body] ^= 1;
        Files.write(dir.resolve("queue/rw"), file);
        assertThat(spool.readForDelivery("rw")).isEmpty();
        assertThat(dir.resolve("corrupt/rw")).exists();
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
    void theTlsLevelItsPolicyAskedSurvivesARestartAndAReplace() throws Exception {
        SpooledMessage m = message("T1.0");
        Spool spool = new Spool(dir);
        spool.write(
                List.of(
                        new SpooledMessage(
                                m.id(),
                                m.envelopeFrom(),
                                m.recipients(),
                                m.policy(),
                                m.created(),
                                m.expires(),
                                m.bytes(),
                                "VERIFY")));
        spool.replace(spool.read("T1.0").orElseThrow().withRecipients(List.of("b@y.example")));
        assertThat(new Spool(dir).recover())
                .singleElement()
                .satisfies(back -> assertThat(back.minimumTls()).isEqualTo("VERIFY"));
        assertThat(message("x").minimumTls()).as("none asked").isEmpty();
    }

    @Test
    void tornOrAlteredFilesGoToCorruptAndUnacknowledgedWritesAreDropped() throws Exception {
        Spool spool = new Spool(dir);
        spool.write(List.of(message("good")));
        byte[] whole = encoded(new SpoolFile(message("torn"), List.of()));
        Files.write(dir.resolve("queue/torn"), Arrays.copyOf(whole, whole.length - 10));
        byte[] altered = encoded(new SpoolFile(message("altered"), List.of()));
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
        assertThat(spool.read("P1.0"))
                .get()
                .extracting(SpooledMessage::recipients)
                .isEqualTo(List.of("b@y.example"));
        assertThat(new Spool(dir).recover()).hasSize(1);
        spool.remove("P1.0");
        assertThat(spool.read("P1.0")).isEmpty();
        assertThat(spool.replace(m.withRecipients(List.of("b@y.example"))))
                .as("not brought back")
                .isFalse();
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
        java.util.concurrent.CountDownLatch firstFlushHeld =
                new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.atomic.AtomicInteger runs =
                new java.util.concurrent.atomic.AtomicInteger();
        GroupSync sync =
                new GroupSync(
                        () -> {
                            if (runs.incrementAndGet() == 1) {
                                firstFlushHeld.countDown();
                                try {
                                    release.await();
                                } catch (InterruptedException e) {
                                    Thread.currentThread().interrupt();
                                }
                            }
                        },
                        "spool directory");
        java.util.concurrent.ExecutorService pool =
                java.util.concurrent.Executors.newFixedThreadPool(8);
        try {
            java.util.concurrent.Future<?> first =
                    pool.submit(
                            () -> {
                                sync.awaitDurable(sync.epoch());
                                return null;
                            });
            firstFlushHeld.await();
            List<java.util.concurrent.Future<Object>> waiting = new java.util.ArrayList<>();
            for (int i = 0; i < 7; i++) {
                waiting.add(
                        pool.submit(
                                () -> {
                                    sync.awaitDurable(sync.epoch());
                                    return null;
                                }));
            }
            // all seven are inside awaitDurable, behind the held flush
            Eventually.value(
                    "eight flushes requested",
                    Duration.ofSeconds(10),
                    sync::requested,
                    n -> n >= 8);
            release.countDown();
            first.get();
            for (java.util.concurrent.Future<Object> f : waiting) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(sync.flushes())
                .as("one flush for the first writer, one shared by the seven")
                .isEqualTo(2);
    }

    @Test
    void aFailedFlushFailsTheWriterItCovered() {
        GroupSync failing =
                new GroupSync(
                        () -> {
                            throw new java.io.IOException("EIO");
                        },
                        "spool directory");
        assertThatThrownBy(() -> failing.awaitDurable(failing.epoch())).hasMessageContaining("EIO");
    }

    @Test
    void aChangeMadeBeforeAFailedFlushFailsThoughItsOwnFlushSucceeds() throws Exception {
        AtomicInteger runs = new AtomicInteger();
        GroupSync sync =
                new GroupSync(
                        () -> {
                            if (runs.incrementAndGet() == 1) {
                                throw new IOException("EIO");
                            }
                        },
                        "spool directory");
        long renamedBeforeTheFailure = sync.epoch();
        assertThatThrownBy(() -> sync.awaitDurable(sync.epoch()))
                .as("another writer's flush")
                .hasMessageContaining("EIO");
        assertThatThrownBy(() -> sync.awaitDurable(renamedBeforeTheFailure))
                .as("the failed fsync may have dropped it")
                .hasMessageContaining("may be lost");
        sync.awaitDurable(sync.epoch());
        assertThat(runs).as("the second flush succeeded, the third too").hasValue(3);
    }

    @Test
    void anInterruptedFlusherFailsEveryWriterOfItsBatchAndTheNextBatchIsFlushedAgain()
            throws Exception {
        CountDownLatch firstHeld = new CountDownLatch(1);
        CountDownLatch releaseFirst = new CountDownLatch(1);
        CountDownLatch secondStarted = new CountDownLatch(1);
        AtomicReference<Thread> secondFlusher = new AtomicReference<>();
        AtomicInteger runs = new AtomicInteger();
        GroupSync sync =
                new GroupSync(
                        () -> {
                            int run = runs.incrementAndGet();
                            try {
                                if (run == 1) {
                                    firstHeld.countDown();
                                    releaseFirst.await();
                                } else if (run == 2) {
                                    secondFlusher.set(Thread.currentThread());
                                    secondStarted.countDown();
                                    new CountDownLatch(1)
                                            .await(); // until interrupted, like a FileChannel's
                                    // force
                                }
                            } catch (InterruptedException e) {
                                throw new java.nio.channels.ClosedByInterruptException();
                            }
                        },
                        "spool directory");
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            Future<?> first =
                    pool.submit(
                            () -> {
                                sync.awaitDurable(sync.epoch());
                                return null;
                            });
            firstHeld.await();
            List<Future<Object>> batch = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                batch.add(
                        pool.submit(
                                () -> {
                                    sync.awaitDurable(sync.epoch());
                                    return null;
                                }));
            }
            // the three wait behind the held flush: one batch
            Eventually.value(
                    "four flushes requested", Duration.ofSeconds(10), sync::requested, n -> n >= 4);
            releaseFirst.countDown();
            first.get(10, TimeUnit.SECONDS);
            secondStarted.await();
            secondFlusher.get().interrupt();
            for (Future<Object> f : batch) {
                assertThatThrownBy(() -> f.get(10, TimeUnit.SECONDS))
                        .as("failed, not hanging, not succeeded")
                        .hasCauseInstanceOf(IOException.class);
            }
            pool.submit(
                            () -> {
                                sync.awaitDurable(sync.epoch());
                                return null;
                            })
                    .get(10, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }
        assertThat(runs).hasValue(3);
    }

    @Test
    void aFailedWriteRemovesEveryFileItRenamedEvenIfOneRemoveFailsAndFsyncsThat() throws Exception {
        AtomicInteger runs = new AtomicInteger();
        List<List<String>> queuedAtFlush = new ArrayList<>();
        Spool spool =
                new Spool(
                        dir,
                        () -> {
                            queuedAtFlush.add(queued());
                            if (runs.incrementAndGet() == 1) {
                                // R.0 cannot be unlinked: a directory that is not empty stands in
                                // its place
                                Files.delete(dir.resolve("queue/R.0"));
                                Files.createDirectories(dir.resolve("queue/R.0/x"));
                                throw new IOException("EIO");
                            }
                        });
        assertThatThrownBy(
                        () -> spool.write(List.of(message("R.0"), message("R.1"), message("R.2"))))
                .hasMessageContaining("EIO")
                .satisfies(
                        e ->
                                assertThat(e.getSuppressed())
                                        .singleElement()
                                        .isInstanceOf(
                                                java.nio.file.DirectoryNotEmptyException.class));
        assertThat(queuedAtFlush)
                .as("the removals were fsync'd")
                .containsExactly(List.of("R.0", "R.1", "R.2"), List.of("R.0"));
    }

    @Test
    void aCorruptFileMetByDeliveryIsSetAsideOnceNamingOnlyItsId() throws Exception {
        Spool spool = new Spool(dir);
        spool.write(List.of(message("C1.0"), message("C2.0")));
        byte[] altered = Files.readAllBytes(dir.resolve("queue/C1.0"));
        altered[altered.length - 100] ^= 1; // inside "ciphertext": the checksum no longer matches
        Files.write(dir.resolve("queue/C1.0"), altered);

        assertThatThrownBy(() -> spool.read("C1.0"))
                .as("queue show/list only report it")
                .isInstanceOf(IOException.class);
        assertThat(dir.resolve("queue/C1.0")).exists();
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        Logger log = (Logger) LoggerFactory.getLogger(Spool.class);
        log.addAppender(logs);
        try {
            assertThat(spool.readForDelivery("C1.0")).as("gone, not retried forever").isEmpty();
        } finally {
            log.detachAppender(logs);
        }
        assertThat(dir.resolve("corrupt/C1.0")).exists();
        assertThat(logs.list)
                .singleElement()
                .satisfies(
                        e -> {
                            assertThat(e.getLevel()).isEqualTo(Level.ERROR);
                            assertThat(e.getFormattedMessage())
                                    .contains("C1.0")
                                    .contains("corrupt/")
                                    .doesNotContain("cipher");
                        });
        assertThat(spool.readForDelivery("C2.0")).isPresent();
        assertThat(spool.depth().corrupt()).isEqualTo(1);
        assertThat(spool.depth().messages()).isEqualTo(1);
    }

    @Test
    void queueOrderAndOldestAgeAreThoseOfTheMessagesNotOfTheirLastReplace() throws Exception {
        Spool spool = new Spool(dir);
        Instant earlier = Instant.parse("2026-11-25T09:00:00Z");
        SpooledMessage first = message("O1.0", earlier);
        spool.write(List.of(first));
        spool.write(List.of(message("O2.0", earlier.plusSeconds(60))));
        spool.replace(first.withRecipients(List.of("b@y.example")));
        assertThat(spool.ids()).containsExactly("O1.0", "O2.0");
        assertThat(spool.depth().oldest()).contains(earlier);
    }

    @Test
    void aTransactionCutShortByACrashBetweenItsRenamesIsDroppedWholeTheOthersAreKept()
            throws Exception {
        List<String> cut = List.of("T.0", "T.1", "T.2");
        List<String> whole = List.of("W.0", "W.1");
        new Spool(dir); // the directories
        // the crash: T.0 and T.1 were renamed into the queue, T.2 was still in tmp/, nobody heard
        // 250
        for (String id : List.of("T.0", "T.1")) {
            Files.write(dir.resolve("queue/" + id), encoded(new SpoolFile(message(id), cut)));
        }
        Files.write(dir.resolve("tmp/T.2.7"), encoded(new SpoolFile(message("T.2"), cut)));
        for (String id : whole) {
            Files.write(dir.resolve("queue/" + id), encoded(new SpoolFile(message(id), whole)));
        }
        Files.write(dir.resolve("queue/S.0"), encoded(new SpoolFile(message("S.0"), List.of())));

        assertThat(new Spool(dir).recover())
                .extracting(SpooledMessage::id)
                .containsExactly("S.0", "W.0", "W.1");
        assertThat(queued()).containsExactly("S.0", "W.0", "W.1");
        assertThat(dir.resolve("corrupt")).isEmptyDirectory();
    }

    @Test
    void aTransactionPartlyDeliveredBeforeARestartIsStillWhole() throws Exception {
        Spool spool = new Spool(dir);
        SpooledMessage second = message("P.1");
        spool.write(List.of(message("P.0"), second, message("P.2")));
        spool.remove("P.0");
        spool.replace(second.withRecipients(List.of("b@y.example")));
        spool.remove("P.1"); // after its replace: still known as part of P
        assertThat(new Spool(dir).recover()).extracting(SpooledMessage::id).containsExactly("P.2");

        spool.remove("P.2");
        assertThat(queued()).isEmpty();
        assertThat(dir.resolve("done")).as("kept only while P had queued files").isEmptyDirectory();
    }

    @Test
    void aCorruptFileOfATransactionIsSetAsideAndTheRestOfItKept() throws Exception {
        new Spool(dir).write(List.of(message("Q.0"), message("Q.1")));
        byte[] altered = Files.readAllBytes(dir.resolve("queue/Q.0"));
        altered[altered.length - 100] ^= 1;
        Files.write(dir.resolve("queue/Q.0"), altered);
        assertThat(new Spool(dir).recover()).extracting(SpooledMessage::id).containsExactly("Q.1");
        assertThat(dir.resolve("corrupt/Q.0")).exists();
    }

    /** Issue 17: a refused or failed write leaves nothing in tmp/, and a start clears it. */
    @Test
    void refusedAndFailedWritesLeaveNothingInTmp() throws Exception {
        Spool spool = new Spool(dir);
        spool.write(List.of(message("T.0")));
        assertThatThrownBy(() -> spool.write(List.of(message("T.0"))))
                .isInstanceOf(java.nio.file.FileAlreadyExistsException.class);
        Files.delete(dir.resolve("queue/T.0"));
        Files.createDirectories(dir.resolve("queue/T.0/x")); // the rename cannot replace this
        assertThatThrownBy(() -> spool.replace(message("T.0"))).isInstanceOf(IOException.class);
        Spool failingFlush =
                new Spool(
                        dir,
                        () -> {
                            throw new IOException("EIO");
                        });
        assertThatThrownBy(() -> failingFlush.write(List.of(message("T.1"))))
                .hasMessageContaining("EIO");
        assertThat(tmp()).isEmpty();

        Files.writeString(dir.resolve("tmp/T.2.1"), "a crash cut this write short");
        new Spool(dir).recover();
        assertThat(tmp()).isEmpty();
    }

    private List<String> tmp() throws IOException {
        try (Stream<Path> s = Files.list(dir.resolve("tmp"))) {
            return s.map(p -> p.getFileName().toString()).toList();
        }
    }

    private List<String> queued() throws IOException {
        try (Stream<Path> s = Files.list(dir.resolve("queue"))) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
