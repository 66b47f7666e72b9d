package io.mailseal.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** RFC 8461 §3.2 policy text and §4.1 MX matching. */
class StsPolicyTest {

    @Test
    void parsesTheRfcExample() throws Exception {
        StsPolicy p =
                StsPolicy.parse(
                        "version: STSv1\r\nmode: enforce\r\nmx: mail.example.com\r\n"
                                + "mx: *.example.net\r\nmx: backupmx.example.com\r\n"
                                + "max_age: 604800\r\n");
        assertThat(p.mode()).isEqualTo(StsPolicy.Mode.ENFORCE);
        assertThat(p.mx())
                .containsExactly("mail.example.com", "*.example.net", "backupmx.example.com");
        assertThat(p.maxAge()).isEqualTo(Duration.ofDays(7));
    }

    @Test
    void aWildcardCoversExactlyOneLeftmostLabel() throws Exception {
        StsPolicy p =
                StsPolicy.parse("version: STSv1\nmode: testing\nmx: *.example.net\nmax_age: 1\n");
        assertThat(p.lists("mx1.example.net")).isTrue();
        assertThat(p.lists("MX1.Example.NET.")).isTrue();
        assertThat(p.lists("a.mx1.example.net")).isFalse();
        assertThat(p.lists("example.net")).isFalse();
        assertThat(p.lists("mx1.example.org")).isFalse();
    }

    @Test
    void maxAgeIsCappedAtAboutAYearAndTheFirstOfARepeatedKeyCounts() throws Exception {
        StsPolicy p =
                StsPolicy.parse(
                        "version: STSv1\nmode: none\nmode: enforce\nmax_age: 9999999999\nfoo: bar\n");
        assertThat(p.mode()).isEqualTo(StsPolicy.Mode.NONE);
        assertThat(p.maxAge()).isEqualTo(Duration.ofSeconds(StsPolicy.MAX_AGE_LIMIT));
    }

    @Test
    void refusesWhatIsNotAPolicy() {
        assertThatThrownBy(
                        () -> StsPolicy.parse("version: STSv2\nmode: enforce\nmx: a\nmax_age: 1"))
                .hasMessageContaining("version");
        assertThatThrownBy(() -> StsPolicy.parse("version: STSv1\nmode: strict\nmx: a\nmax_age: 1"))
                .hasMessageContaining("mode");
        assertThatThrownBy(
                        () -> StsPolicy.parse("version: STSv1\nmode: enforce\nmx: a\nmax_age: -1"))
                .hasMessageContaining("max_age");
        assertThatThrownBy(() -> StsPolicy.parse("version: STSv1\nmode: enforce\nmax_age: 60"))
                .hasMessageContaining("without an mx");
    }
}
