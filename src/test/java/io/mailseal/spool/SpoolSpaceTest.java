package io.mailseal.spool;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpoolSpaceTest {
    @TempDir Path dir;

    @Test
    void lessUsableSpaceThanTheMinimumIsAShortageNamingTheKey() {
        assertThat(SpoolSpace.shortage(dir, 0)).isEmpty();
        assertThat(SpoolSpace.shortage(dir, Long.MAX_VALUE))
                .get()
                .asString()
                .contains("below spool.min-free (" + Long.MAX_VALUE + ")");
        assertThat(SpoolSpace.shortage(dir.resolve("missing"), 0))
                .get()
                .asString()
                .startsWith("free space of the spool's file system unknown");
    }
}
