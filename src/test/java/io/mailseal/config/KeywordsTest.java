package io.mailseal.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class KeywordsTest {
    @Test
    void durationsAreWrittenAsInRelayConfInTheLargestWholeUnit() {
        assertThat(Keywords.duration(Duration.ofMinutes(10))).isEqualTo("10m");
        assertThat(Keywords.duration(Duration.ofMinutes(90))).isEqualTo("90m");
        assertThat(Keywords.duration(Duration.ofHours(48))).isEqualTo("2d");
        assertThat(Keywords.duration(Duration.ofHours(1))).isEqualTo("1h");
        assertThat(Keywords.duration(Duration.ofSeconds(61))).isEqualTo("61s");
        assertThat(Keywords.duration(Duration.ofMillis(1500))).isEqualTo("1500ms");
        assertThat(Keywords.duration(Duration.ZERO)).isEqualTo("0s");
    }
}
