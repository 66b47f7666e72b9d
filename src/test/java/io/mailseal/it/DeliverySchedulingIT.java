package io.mailseal.it;

import static io.mailseal.it.DeliveryIT.ALICE;
import static io.mailseal.it.DeliveryIT.BOB;
import static org.assertj.core.api.Assertions.assertThat;

import io.mailseal.config.DeliveryConfig;
import io.mailseal.demo.CaptureSink;
import io.mailseal.demo.CaptureSink.CapturedMessage;
import io.mailseal.demo.CaptureSink.Verb;
import io.mailseal.demo.TransactionHold;
import io.mailseal.spool.SpooledMessage;
import io.mailseal.testing.Eventually;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What the scheduler does around an attempt: a spool that cannot be written after a delivery (the
 * recording is retried, never the delivery), stopping (nothing queued is started, nothing under way
 * is interrupted), and which due message goes first.
 */
class DeliverySchedulingIT {
    @TempDir Path dir;
    CaptureSink sink;
    DeliveryRig rig;

    @BeforeEach
    void start() {
        sink = new CaptureSink(Optional.empty());
    }

    @AfterEach
    void stop() {
        if (rig != null) {
            rig.close();
        }
        sink.close();
    }

    private DeliveryRig rig(int connections, Duration shutdownGrace) throws Exception {
        DeliveryConfig smarthost = DeliveryRig.smarthost(sink.port(), DeliveryConfig.TlsLevel.NONE);
        rig =
                new DeliveryRig(
                        dir,
                        DeliveryRig.with(
                                smarthost, connections, smarthost.timeout(), shutdownGrace),
                        Optional.empty());
        return rig;
    }

    /**
     * tmp/ becomes a file: every spool write fails, as on a full or broken disk (root ignores
     * modes).
     */
    private void breakSpool() throws Exception {
        Files.delete(dir.resolve("tmp"));
        Files.writeString(dir.resolve("tmp"), "not a directory");
    }

    private void repairSpool() throws Exception {
        Files.delete(dir.resolve("tmp"));
        Files.createDirectory(dir.resolve("tmp"));
    }

    /** ALICE is accepted, BOB answered {@code code text}, and the spool fails right after. */
    private void deliverWithABrokenSpool(String id, int code, String text) throws Exception {
        rig(2, Duration.ofSeconds(5));
        sink.refuseRecipient(BOB, code, text);
        SpooledMessage m = rig.spooled(id, Duration.ofDays(1), ALICE, BOB);
        breakSpool();
        rig.scheduler.submit(m);
        rig.awaitOutcome("unrecorded");
    }

    @Test
    void aSpoolUpdateThatFailsAfterAPartialDeliveryIsRetriedAndNobodyGetsTheMessageTwice()
            throws Exception {
        deliverWithABrokenSpool("R1.0", 452, "4.2.2 mailbox full");
        assertThat(sink.messages())
                .singleElement()
                .extracting(CapturedMessage::recipients)
                .isEqualTo(List.of(ALICE));

        repairSpool();
        rig.clock.advance(Duration.ofMinutes(1)); // the recording is retried after retry.initial
        rig.awaitOutcome("deferred");
        assertThat(rig.spool.read("R1.0"))
                .get()
                .extracting(SpooledMessage::recipients)
                .isEqualTo(List.of(BOB));
        sink.acceptRecipient(BOB);
        rig.clock.advance(Duration.ofMinutes(2));
        rig.awaitOutcome("delivered");
        assertThat(sink.messages())
                .extracting(CapturedMessage::recipients)
                .containsExactly(List.of(ALICE), List.of(BOB));
    }

    @Test
    void aDsnThatCannotBeWrittenIsRetriedWithTheSpoolUpdateAndTheDeliveredRecipientIsNotSentAgain()
            throws Exception {
        deliverWithABrokenSpool("R2.0", 550, "5.1.1 no such user");
        assertThat(rig.spool.read("R2.0"))
                .as("no spool update before the DSN is written")
                .get()
                .extracting(SpooledMessage::recipients)
                .isEqualTo(List.of(ALICE, BOB));

        repairSpool();
        rig.clock.advance(Duration.ofMinutes(1));
        // the message's outcome and its DSN's come from different workers, in either order (the
        // first attempt ended "unrecorded", so this "delivered" can only be the DSN's)
        rig.awaitOutcomes("bounced", "delivered");
        assertThat(sink.awaitMessages(2, Duration.ofSeconds(10))).isTrue();
        assertThat(sink.messages()).hasSize(2);
        assertThat(sink.messages())
                .filteredOn(c -> c.envelopeFrom().equals(DeliveryRig.BANK))
                .singleElement()
                .extracting(CapturedMessage::recipients)
                .isEqualTo(List.of(ALICE));
        assertThat(sink.messages())
                .filteredOn(c -> c.envelopeFrom().isEmpty())
                .singleElement()
                .satisfies(
                        dsn ->
                                assertThat(dsn.text())
                                        .contains("Final-Recipient: rfc822; " + BOB)
                                        .contains("Diagnostic-Code: smtp; 550 5.1.1 no such user"));
    }

    @Test
    void aDsnThatCouldNotBeWrittenBeforeTheRelayStoppedIsSentAfterTheRestart() throws Exception {
        deliverWithABrokenSpool("L1.0", 550, "5.1.1 no such user");
        rig.close(); // the spool still fails: the disk is left as a crash would leave it
        repairSpool();
        startAgain();
        assertThat(sink.awaitMessages(3, Duration.ofSeconds(10)))
                .as("ALICE's again, as logged, and the DSN")
                .isTrue();
        assertThat(dsns())
                .singleElement()
                .satisfies(
                        dsn -> assertThat(dsn.text()).contains("Final-Recipient: rfc822; " + BOB));
    }

    /**
     * ALICE is accepted and BOB refused for good while the message's own queue file cannot be read
     * (a directory in its place): the DSN can be written, the spool update cannot.
     */
    private byte[] bounceWithAnUnreadableQueueFile(String id) throws Exception {
        rig(2, Duration.ofSeconds(5));
        sink.refuseRecipient(BOB, 550, "5.1.1 no such user");
        TransactionHold hold = sink.holdNext(Verb.DATA);
        rig.queue(id, Duration.ofDays(1), ALICE, BOB);
        assertThat(hold.awaitReached(Duration.ofSeconds(10))).isTrue();
        Path file = dir.resolve("queue").resolve(id);
        byte[] saved = Files.readAllBytes(file);
        Files.delete(file);
        Files.createDirectory(file);
        hold.release();
        rig.awaitOutcome("unrecorded");
        return saved;
    }

    private void restoreQueueFile(String id, byte[] saved) throws Exception {
        Path file = dir.resolve("queue").resolve(id);
        Files.delete(file);
        Files.write(file, saved);
    }

    /** A new scheduler on the same spool, as after a restart: what the spool holds is delivered. */
    private void startAgain() throws Exception {
        rig(2, Duration.ofSeconds(5)).scheduler.recover(rig.spool.recover());
    }

    private List<CapturedMessage> dsns() {
        return sink.messages().stream().filter(c -> c.envelopeFrom().isEmpty()).toList();
    }

    @Test
    void theDsnIsWrittenBeforeTheSpoolUpdateAndARetriedRecordingDoesNotWriteItAgain()
            throws Exception {
        byte[] saved = bounceWithAnUnreadableQueueFile("W1.0");
        assertThat(sink.awaitMessages(2, Duration.ofSeconds(10)))
                .as("the DSN, though the spool update failed")
                .isTrue();

        restoreQueueFile("W1.0", saved);
        rig.clock.advance(Duration.ofMinutes(1)); // the recording is retried after retry.initial
        rig.awaitOutcome("bounced");
        assertThat(rig.spool.read("W1.0")).isEmpty();
        rig.clock.advance(Duration.ofMinutes(8));
        assertThat(othersWhenControlArrived()).as("a message or a DSN sent twice").hasSize(2);
        assertThat(dsns())
                .singleElement()
                .satisfies(
                        dsn -> assertThat(dsn.text()).contains("Final-Recipient: rfc822; " + BOB));
    }

    @Test
    void aDsnStillQueuedAtARestartIsNotWrittenAgainWhenTheMessageBouncesAgain() throws Exception {
        sink.refuseRecipient(DeliveryRig.BANK, 452, "4.2.2 mailbox full"); // the DSN stays queued
        byte[] saved = bounceWithAnUnreadableQueueFile("W2.0");
        rig.close(); // the spool update fails once more: the disk is left as a crash would leave it
        restoreQueueFile("W2.0", saved);
        startAgain();
        rig.awaitOutcome(
                "bounced"); // BOB again: the message itself was never taken out of the spool
        assertThat(rig.spool.ids())
                .as("the one DSN")
                .hasSize(1)
                .allMatch(id -> id.startsWith("W2.0.dsn"));

        rig.awaitLog("retry at "); // the DSN's next attempt, after the back-off
        sink.acceptRecipient(DeliveryRig.BANK);
        rig.clock.advance(Duration.ofMinutes(1));
        rig.awaitOutcome("delivered");
        assertThat(dsns())
                .singleElement()
                .satisfies(dsn -> assertThat(dsn.recipients()).containsExactly(DeliveryRig.BANK));
    }

    @Test
    void stoppingRecordsOnceMoreWhatTheSpoolCouldNotTakeSoNobodyGetsTheMessageAgainAfterARestart()
            throws Exception {
        deliverWithABrokenSpool("C1.0", 452, "4.2.2 mailbox full");
        repairSpool();
        rig.scheduler.close();
        assertThat(rig.spool.read("C1.0"))
                .get()
                .extracting(SpooledMessage::recipients)
                .isEqualTo(List.of(BOB));
    }

    @Test
    void stoppingWithASpoolThatStillFailsNamesWhoWouldGetTheMessageAgain() throws Exception {
        deliverWithABrokenSpool("C2.0", 452, "4.2.2 mailbox full");
        rig.scheduler.close();
        assertThat(rig.logLines())
                .contains(
                        "stopping with the last attempt at C2.0 not in the spool: after a restart ["
                                + ALICE
                                + "] get it again");
    }

    @Test
    void anAttemptThatThrowsIsRetriedAndTheOnlyWorkerLivesOn() throws Exception {
        rig(1, Duration.ofSeconds(5));
        rig.routingFailsOnce.set(true);
        rig.queue("T1.0", Duration.ofDays(1), ALICE);
        rig.awaitLog(
                "the attempt failed unexpectedly; retried at "
                        + DeliveryRig.START.plus(Duration.ofMinutes(1)));
        rig.clock.advance(Duration.ofMinutes(1));
        rig.awaitOutcome("delivered");
        assertThat(sink.messages())
                .singleElement()
                .extracting(CapturedMessage::recipients)
                .isEqualTo(List.of(ALICE));
    }

    @ParameterizedTest
    @ValueSource(strings = {"attempted", "delivered", "bounced"})
    void metricsThatThrowNeverSendTheMessageOrTheDsnTwice(String brokenReport) throws Exception {
        rig(2, Duration.ofSeconds(5));
        rig.metricsFailOnce.set(brokenReport);
        sink.refuseRecipient(BOB, 550, "5.1.1 no such user");
        rig.queue("B1.0", Duration.ofDays(1), ALICE, BOB);
        assertThat(sink.awaitMessages(2, Duration.ofSeconds(10)))
                .as("the message and the DSN")
                .isTrue();
        rig.clock.advance(Duration.ofMinutes(1)); // when an attempt or a recording would be retried
        assertThat(othersWhenControlArrived()).as("a message sent twice").hasSize(2);
        assertThat(rig.outcomes).doesNotContain("unrecorded");
    }

    /**
     * One delivery thread, busy with {@code id}: its hop has read the final "." and does not answer
     * yet.
     */
    private TransactionHold oneAttemptUnderWay(
            Duration shutdownGrace, String id, String... recipients) throws Exception {
        rig(1, shutdownGrace);
        TransactionHold hold = sink.holdNext(Verb.DATA);
        rig.queue(id, Duration.ofDays(1), recipients);
        assertThat(hold.awaitReached(Duration.ofSeconds(10))).isTrue();
        return hold;
    }

    @Test
    void stoppingStartsNothingQueuedAndLetsTheAttemptUnderWayFinish() throws Exception {
        TransactionHold hold = oneAttemptUnderWay(Duration.ofSeconds(10), "S1.0", ALICE);
        rig.queue("S2.0", Duration.ofDays(1), ALICE);
        rig.queue("S3.0", Duration.ofDays(1), ALICE);

        Thread stopper = new Thread(rig.scheduler::close, "stopper");
        stopper.start();
        rig.awaitLog("delivery stopping");
        hold.release();
        stopper.join(Duration.ofSeconds(15).toMillis());
        assertThat(stopper.isAlive()).isFalse();
        assertThat(sink.messages()).as("only the one under way").hasSize(1);
        assertThat(rig.spool.ids()).containsExactlyInAnyOrder("S2.0", "S3.0");
    }

    @Test
    void anAttemptStillUnderWayAfterTheGraceRecordsItsResultUninterrupted() throws Exception {
        sink.refuseRecipient(BOB, 452, "4.2.2 mailbox full");
        TransactionHold hold = oneAttemptUnderWay(Duration.ofSeconds(1), "G1.0", ALICE, BOB);
        rig.scheduler.close();
        assertThat(rig.logLines())
                .anyMatch(l -> l.startsWith("deliveries still under way after 1s"));

        hold.release(); // the hop answers after the grace: its answer is still written to the spool
        rig.awaitOutcome("deferred");
        assertThat(rig.spool.read("G1.0"))
                .get()
                .extracting(SpooledMessage::recipients)
                .isEqualTo(List.of(BOB));
    }

    @Test
    void aCodeThatExpiresSoonGoesBeforeAStatementThatWasDueEarlier() throws Exception {
        TransactionHold hold = oneAttemptUnderWay(Duration.ofSeconds(5), "P0.0", ALICE);
        rig.queue("STATEMENT.0", Duration.ofDays(5), ALICE);
        rig.clock.advance(Duration.ofSeconds(1));
        rig.queue("CODE.0", Duration.ofMinutes(10), ALICE);
        rig.scheduler.flush(); // both wait for the one worker now
        hold.release();
        assertThat(sink.awaitMessages(3, Duration.ofSeconds(10))).isTrue();
        assertThat(sink.messages())
                .extracting(DeliverySchedulingIT::queueIdOf)
                .containsExactly("P0.0", "CODE.0", "STATEMENT.0");
    }

    @Test
    void aDsnGoesBeforeACodeThatExpiresSooner() throws Exception {
        TransactionHold hold = oneAttemptUnderWay(Duration.ofSeconds(5), "P0.0", ALICE);
        rig.queue("CODE.0", Duration.ofMinutes(10), ALICE);
        rig.scheduler.submit(rig.spooled("", "DSN.0", Duration.ofDays(5), DeliveryRig.BANK));
        rig.scheduler.flush();
        hold.release();
        assertThat(sink.awaitMessages(3, Duration.ofSeconds(10))).isTrue();
        assertThat(sink.messages())
                .extracting(DeliverySchedulingIT::queueIdOf)
                .containsExactly("P0.0", "DSN.0", "CODE.0");
    }

    /**
     * For "nothing sent twice": queues a control message due now (after anything due before it) and
     * waits until it arrived and the spool is empty, so nothing is left to send; returns the other
     * messages.
     */
    private List<CapturedMessage> othersWhenControlArrived() throws Exception {
        rig.queue("CONTROL.0", Duration.ofDays(1), ALICE);
        Eventually.await(
                "the control message at the sink",
                Duration.ofSeconds(10),
                () -> sink.messages().stream().anyMatch(c -> queueIdOf(c).equals("CONTROL.0")));
        Eventually.value(
                "an empty spool", Duration.ofSeconds(10), rig.spool::ids, ids -> ids.isEmpty());
        return sink.messages().stream().filter(c -> !queueIdOf(c).equals("CONTROL.0")).toList();
    }

    /** The queue id the rig put into the Message-ID. */
    private static String queueIdOf(CapturedMessage c) {
        return c.text().replaceAll("(?s).*Message-ID: <([^@]+)@.*", "$1");
    }
}
