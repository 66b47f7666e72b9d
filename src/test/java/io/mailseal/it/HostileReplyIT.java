package io.mailseal.it;

import static io.mailseal.it.DeliveryIT.ALICE;
import static io.mailseal.it.DeliveryIT.BOB;
import static org.assertj.core.api.Assertions.assertThat;

import io.mailseal.demo.CaptureSink.CapturedMessage;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A next hop whose replies carry an ANSI escape, NEL, U+2028 and a bare CR followed by something
 * shaped like a header field: the relay's log shows them escaped, and the DSN the sender gets holds
 * no header line the next hop wrote.
 */
class HostileReplyIT extends ScriptedHopIT {
    /** What a hostile next hop says after its code. */
    static final String HOSTILE =
            "no such user \u001b[31mred\u001b[0m nel\u0085ls\u2028ps\u2029cr\rX-Injected: yes";

    @Test
    void aRefusalsTextIsEscapedInTheLogAndCannotAddAFieldToTheDsn() throws Exception {
        sink.refuseRecipient(BOB, 550, "5.1.1 " + HOSTILE);
        rig.queue("H1.0", Duration.ofDays(1), BOB);
        assertThat(sink.awaitMessages(1, Duration.ofSeconds(10))).as("the DSN for bob").isTrue();
        rig.awaitLog("bounced rcpt=" + BOB);
        String line = line("bounced rcpt=" + BOB);
        assertEscaped(line);
        assertThat(line)
                .contains(
                        "5.1.1 no such user \\u001b[31mred\\u001b[0m nel\\u0085ls\\u2028ps\\u2029cr");

        CapturedMessage dsn = sink.messages().get(0);
        assertThat(dsn.envelopeFrom()).isEmpty();
        String report = dsn.text();
        assertThat(report).contains("Status: 5.1.1").contains("Diagnostic-Code: smtp; 550 5.1.1");
        List<String> lines = report.lines().toList();
        assertThat(lines)
                .as("no line of the DSN starts with the next hop's field")
                .noneMatch(l -> l.startsWith("X-Injected"));
        String diagnostic =
                lines.stream()
                        .filter(l -> l.startsWith("Diagnostic-Code:"))
                        .findFirst()
                        .orElseThrow();
        assertEscaped(diagnostic);
        assertThat(diagnostic).contains("nel\\u0085ls\\u2028ps\\u2029cr").matches("\\p{Print}*");
        assertThat(report)
                .as("every line break of the DSN is CRLF")
                .doesNotContainPattern("[^\\r]\\n|\\r[^\\n]");
    }

    @Test
    void aBareCrThatSplitsTheReplyFailsNoOneForGoodAndIsLoggedEscaped() throws Exception {
        sink.refuseRecipient(BOB, 550, "5.1.1 " + HOSTILE);
        rig.queue("H3.0", Duration.ofDays(1), BOB, ALICE);
        rig.awaitLog("deferred rcpt=" + ALICE);
        // Angus ends a reply line at the bare CR and takes what follows for the next reply: the
        // exchange is out of step, so the transaction fails as a whole and alice waits for the
        // retry; every line about it is escaped
        assertThat(rig.logLines()).allSatisfy(l -> assertThat(l).doesNotContainPattern(UNSAFE));
        assertThat(line("deferred rcpt=" + ALICE)).contains("X-Injected: yes");
        assertThat(rig.spool.read("H3.0").orElseThrow().recipients()).contains(ALICE);
    }

    @Test
    void aDeferralsTextIsEscapedInTheLog() throws Exception {
        sink.refuseRecipient(ALICE, 451, "4.3.0 " + HOSTILE);
        rig.queue("H2.0", Duration.ofDays(1), ALICE);
        rig.awaitOutcome("deferred");
        String line = line("deferred rcpt=" + ALICE);
        assertEscaped(line);
        assertThat(line).contains("4.3.0 no such user \\u001b[31mred");
        assertThat(rig.spool.read("H2.0"))
                .as("still queued for the retry")
                .get()
                .extracting(m -> m.recipients())
                .isEqualTo(List.of(ALICE));
    }

    private String line(String prefix) {
        return rig.logLines().stream().filter(l -> l.startsWith(prefix)).findFirst().orElseThrow();
    }

    /** A control character (C0, DEL, C1 with NEL) or a line or paragraph separator. */
    private static final String UNSAFE = "[\\p{Cntrl}\\u0080-\\u009f\\u2028\\u2029]";

    /** No raw control character or separator; the ANSI escape shows as text. */
    private static void assertEscaped(String text) {
        assertThat(text).doesNotContainPattern(UNSAFE).contains("\\u001b[31m");
    }
}
