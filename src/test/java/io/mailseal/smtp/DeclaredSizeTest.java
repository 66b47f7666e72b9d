package io.mailseal.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class DeclaredSizeTest {

    @Test
    void sizeIsReadAnywhereAfterTheReversePathInAnyCase() {
        assertThat(DeclaredSize.declared("MAIL FROM:<a@b.example> SIZE=1234")).contains(1234L);
        assertThat(
                        DeclaredSize.declared(
                                "mail from:<a@b.example> body=8bitmime size=0042 ret=hdrs"))
                .contains(42L);
        assertThat(DeclaredSize.declared("MAIL FROM:<> SIZE=7")).contains(7L);
    }

    @Test
    void withoutSizeOrInTheAddressNothingIsDeclared() {
        assertThat(DeclaredSize.declared("MAIL FROM:<a@b.example>")).isEmpty();
        assertThat(DeclaredSize.declared("MAIL FROM:<a@b.example> BODY=7BIT")).isEmpty();
        assertThat(DeclaredSize.declared("MAIL FROM:<size=5@b.example>"))
                .isEqualTo(Optional.empty());
        assertThat(DeclaredSize.declared("MAIL FROM:<a@b.example> XSIZE=5")).isEmpty();
    }

    @Test
    void aNumberTooLongForALongIsTheLargest() {
        assertThat(DeclaredSize.declared("MAIL FROM:<a@b.example> SIZE=" + "9".repeat(40)))
                .contains(Long.MAX_VALUE);
    }
}
