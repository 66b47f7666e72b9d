package io.mailseal.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

@SuppressWarnings("try") // slots are held by the try blocks, not used in them
class CpuSlotsTest {
    private final ExecutorService other = Executors.newSingleThreadExecutor();

    @AfterEach
    void stop() {
        other.shutdownNow();
    }

    /** Whether another thread gets a slot for a message of {@code bytes} within 300 ms. */
    private boolean otherGetsOne(CpuSlots slots, int bytes) throws Exception {
        CompletableFuture<Void> got =
                CompletableFuture.runAsync(
                        () -> {
                            try (CpuSlots.Slot s = slots.take(bytes)) {
                                // taken
                            }
                        },
                        other);
        try {
            got.get(300, TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        }
    }

    @Test
    void largeMessagesWaitForASlotAndSmallOnesNever() throws Exception {
        CpuSlots slots = new CpuSlots(1);
        try (CpuSlots.Slot mine = slots.take(CpuSlots.LARGE)) {
            assertThat(slots.free()).isZero();
            assertThat(otherGetsOne(slots, CpuSlots.LARGE - 1)).as("a small message").isTrue();
            assertThat(otherGetsOne(slots, CpuSlots.LARGE)).as("a large one").isFalse();
        }
        // the waiting one got it once mine was given back, and gave it back in turn
        other.shutdown();
        assertThat(other.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
        assertThat(slots.free()).isOne();
    }

    @Test
    void aThreadWaitingOnTheNetworkLetsGoOfItsSlot() throws Exception {
        CpuSlots slots = new CpuSlots(1);
        try (CpuSlots.Slot mine = slots.take(10 * CpuSlots.LARGE)) {
            try (CpuSlots.Slot idle = CpuSlots.waiting()) {
                assertThat(slots.free()).isOne();
                assertThat(otherGetsOne(slots, CpuSlots.LARGE)).isTrue();
            }
            assertThat(slots.free()).as("taken back after the wait").isZero();
            try (CpuSlots.Slot again = slots.take(CpuSlots.LARGE)) {
                assertThat(slots.free()).as("a thread never takes a second slot").isZero();
            }
            assertThat(slots.free()).isZero();
        }
        assertThat(slots.free()).isOne();
        try (CpuSlots.Slot none = CpuSlots.waiting()) {
            assertThat(slots.free()).as("nothing to let go of").isOne();
        }
        assertThat(slots.free()).isOne();
    }
}
