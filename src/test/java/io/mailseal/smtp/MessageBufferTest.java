package io.mailseal.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class MessageBufferTest {

    @Test
    void contentComesBackExactlySizedAcrossChunks() {
        byte[] data = new byte[MessageBuffer.CHUNK * 2 + 17];
        new Random(1).nextBytes(data);
        MemoryBudget budget = new MemoryBudget(1L << 20);
        try (MessageBuffer buffer = new MessageBuffer(budget)) {
            for (int at = 0; at < data.length; at += 1000) {
                assertThat(buffer.append(data, at, Math.min(1000, data.length - at))).isTrue();
            }
            assertThat(buffer.length()).isEqualTo(data.length);
            assertThat(budget.reserved()).isEqualTo(3L * MessageBuffer.CHUNK);
            assertThat(buffer.content()).isEqualTo(data);
            assertThat(budget.reserved())
                    .as("held until released")
                    .isEqualTo(3L * MessageBuffer.CHUNK);
        }
        assertThat(budget.reserved()).isZero();
    }

    @Test
    void aChunkIsReservedBeforeItIsAllocatedAndNothingIsTakenWhenItDoesNotFit() {
        MemoryBudget budget = new MemoryBudget(MessageBuffer.CHUNK + 10);
        byte[] b = new byte[MessageBuffer.CHUNK];
        try (MessageBuffer buffer = new MessageBuffer(budget)) {
            assertThat(buffer.append(b, 0, b.length)).isTrue();
            assertThat(buffer.append(b, 0, 1)).isFalse();
            assertThat(budget.reserved()).isEqualTo(MessageBuffer.CHUNK);
            assertThat(budget.tryReserve(10)).as("what is left is still there").isTrue();
            assertThat(budget.tryReserve(1)).isFalse();
            budget.release(10);
        }
        assertThat(budget.reserved()).isZero();
    }

    @Test
    void theSinkTakesOnMessagesWhileTheirWeightFitsAndAlwaysOne() throws Exception {
        long mb = 1 << 20;
        // room for exactly two 10 MB messages being decided
        MemoryBudget budget = new MemoryBudget(2 * 10 * mb * MemoryBudget.SINK_COPIES);
        assertThat(budget.enterSink(40 * mb, Duration.ZERO)).as("alone, however heavy").isTrue();
        assertThat(budget.enterSink(mb, Duration.ZERO)).as("40 MB x copies weighing").isFalse();
        budget.leaveSink(40 * mb);
        assertThat(budget.enterSink(10 * mb, Duration.ZERO)).isTrue();
        assertThat(budget.enterSink(10 * mb, Duration.ZERO)).isTrue();
        assertThat(budget.enterSink(mb, Duration.ZERO)).as("the budget weighing").isFalse();
        CompletableFuture<Boolean> waiting =
                CompletableFuture.supplyAsync(() -> budget.enterSink(mb, Duration.ofSeconds(30)));
        budget.leaveSink(10 * mb);
        assertThat(waiting.get(30, TimeUnit.SECONDS)).as("let in once one left").isTrue();
    }
}
