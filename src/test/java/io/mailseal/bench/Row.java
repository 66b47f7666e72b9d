package io.mailseal.bench;

import java.util.Arrays;
import java.util.stream.Collectors;

/** One phase's figures, printed as a line of the table (docs/SCALING.md explains each column). */
record Row(
        int nodes,
        String mail,
        int messages,
        long notAccepted,
        double seconds,
        double[] nodeCpuMs,
        double pgCpuMs,
        double harnessCpuMs,
        PgStats db) {
    static final String HEADER =
            String.format(
                    "%-5s %-17s %6s %5s %8s %8s %-13s %7s %7s | %6s %6s %6s %7s %8s %8s",
                    "nodes",
                    "mail",
                    "msgs",
                    "!250",
                    "seconds",
                    "msg/s",
                    "node ms/msg",
                    "pg ms",
                    "harness",
                    "xact",
                    "ins",
                    "upd",
                    "fetched",
                    "WAL B",
                    "blocks B");

    double rate() {
        return (messages - notAccepted) / seconds;
    }

    @Override
    public String toString() {
        String perNode =
                Arrays.stream(nodeCpuMs)
                        .mapToObj(ms -> String.format("%.2f", ms))
                        .collect(Collectors.joining("/"));
        return String.format(
                "%-5d %-17s %6d %5d %8.2f %8.1f %-13s %7.2f %7.2f | %6.2f %6.2f %6.2f %7.2f %8s %8s",
                nodes,
                mail,
                messages,
                notAccepted,
                seconds,
                rate(),
                perNode,
                pgCpuMs,
                harnessCpuMs,
                perMessage(db.transactions()),
                perMessage(db.inserted()),
                perMessage(db.updated()),
                perMessage(db.fetched()),
                bytes(db.walBytes()),
                bytes(db.blocksWritten() < 0 ? -1 : db.blocksWritten() * PgStats.BLOCK_BYTES));
    }

    private double perMessage(long count) {
        return count / (double) messages;
    }

    private String bytes(long total) {
        return total < 0 ? "n/a" : String.format("%.0f", perMessage(total));
    }
}
