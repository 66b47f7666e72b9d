package io.mailseal.text;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PeerTextTest {

    @Test
    void controlsEscapesAndSeparatorsAreWrittenAsEscapes() {
        assertThat(PeerText.escape("a\u0000b\u001b[31mc\rd\ne\u0085f\u2028g\u2029h\u007f\\"))
                .isEqualTo(
                        "a\\u0000b\\u001b[31mc\\u000dd\\u000ae\\u0085f\\u2028g\\u2029h\\u007f\\\\");
        assertThat(PeerText.escape("mta.bank.example")).isEqualTo("mta.bank.example");
        assertThat(PeerText.escape("jos\u00e9 \ud83d\ude00 ~"))
                .isEqualTo("jos\\u00e9 \\ud83d\\ude00 ~");
    }

    @Test
    void longTextIsCut() {
        assertThat(PeerText.escape("x".repeat(500))).isEqualTo("x".repeat(200) + "...");
        assertThat(PeerText.escape("x".repeat(200))).isEqualTo("x".repeat(200));
    }

    @Test
    void theCutCountsTheEscapedForm() {
        assertThat(PeerText.escape("\r".repeat(100), 12)).isEqualTo("\\u000d\\u000d...");
    }
}
