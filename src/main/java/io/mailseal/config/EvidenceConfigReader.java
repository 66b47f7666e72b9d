package io.mailseal.config;

import java.nio.file.Path;
import java.time.Duration;

/** Reads {@code mailseal.evidence}; the journal lives beside the spool unless told otherwise. */
final class EvidenceConfigReader {
    /** Shorter anchoring would ask the TSA more often than it serves mail. */
    static final Duration MIN_ANCHOR_INTERVAL = Duration.ofSeconds(10);

    /** A bank keeps records for years; less than a day cannot be what was meant. */
    static final Duration MIN_RETENTION = Duration.ofDays(1);

    private EvidenceConfigReader() {}

    static EvidenceConfig read(ConfigSection s, Path spoolDirectory) {
        EvidenceConfig e =
                new EvidenceConfig(
                        s.bool("enabled", false),
                        s.path("directory", spoolDirectory.resolveSibling("evidence")),
                        s.duration("anchor-interval", Duration.ofMinutes(10)),
                        s.duration("retention", Duration.ofDays(3653)));
        if (e.anchorInterval().compareTo(MIN_ANCHOR_INTERVAL) < 0) {
            s.problem(
                    "anchor-interval",
                    s.value("anchor-interval"),
                    "is shorter than " + MIN_ANCHOR_INTERVAL.toSeconds() + "s");
        }
        if (e.retention().compareTo(MIN_RETENTION) < 0) {
            s.problem("retention", s.value("retention"), "is shorter than one day");
        }
        if (e.directory()
                .toAbsolutePath()
                .normalize()
                .equals(spoolDirectory.toAbsolutePath().normalize())) {
            s.problem("directory", s.value("directory"), "is mailseal.spool.directory");
        }
        s.finish();
        return e;
    }
}
