package io.mailseal.delivery;

import java.util.Comparator;

/** Order of the messages due for delivery: the one that expires first (a one-time code) goes first. */
final class EarliestExpiryFirst implements Comparator<Pending> {
    private static final Comparator<Pending> ORDER = Comparator.comparing(Pending::expires)
            .thenComparing(Pending::due);

    @Override
    public int compare(Pending a, Pending b) {
        return ORDER.compare(a, b);
    }
}
