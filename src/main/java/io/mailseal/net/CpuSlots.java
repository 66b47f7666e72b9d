package io.mailseal.net;

import java.util.concurrent.Semaphore;

/**
 * Slots for the CPU-heavy part of handling a large message (walking and sealing it): no more of
 * them at once than there are cores, so that a one-time code arriving meanwhile finds a core to be
 * sealed on instead of sharing both with eight statements. Measured on the 2-core machine
 * (bench/mixed.sh): eight sessions of 200 KB statements went no faster than two, and a one-time
 * code's accept p99 was 111 ms beside eight, 36 ms beside two. Small messages take no slot. A
 * thread that holds a slot lets go of it while it waits on the network ({@link #waiting()}, around
 * the TSA client's exchange), so that a TSA 100 ms away does not cap large mail at slots per 100
 * ms.
 */
public final class CpuSlots {
    /** From this size on a message is large; one-time codes and password resets are a few kB. */
    public static final int LARGE = 64 << 10;

    private static final ThreadLocal<CpuSlots> HELD = new ThreadLocal<>();
    private final Semaphore slots;

    public CpuSlots(int count) {
        this.slots = new Semaphore(count, true);
    }

    /** As many slots as the JVM sees cores. */
    public static CpuSlots forCores() {
        return new CpuSlots(Runtime.getRuntime().availableProcessors());
    }

    /**
     * A slot for work on a message of {@code bytes}, waited for (first come, first served) when
     * they are all taken; none for a small message or a thread that holds one already.
     */
    public Slot take(int bytes) {
        if (bytes < LARGE || HELD.get() != null) {
            return Slot.NONE;
        }
        slots.acquireUninterruptibly();
        HELD.set(this);
        return () -> {
            HELD.remove();
            slots.release();
        };
    }

    /** Lets go of this thread's slot, if it holds one, until closed: for a wait on the network. */
    public static Slot waiting() {
        CpuSlots held = HELD.get();
        if (held == null) {
            return Slot.NONE;
        }
        HELD.remove();
        held.slots.release();
        return () -> {
            held.slots.acquireUninterruptibly();
            HELD.set(held);
        };
    }

    /** Slots free now (for tests). */
    int free() {
        return slots.availablePermits();
    }

    /** A slot held until closed. */
    @FunctionalInterface
    public interface Slot extends AutoCloseable {
        Slot NONE = () -> {};

        @Override
        void close();
    }
}
