package io.mailseal.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailseal.demo.DemoRun;
import io.mailseal.smtp.SmtpReply;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `mailseal demo` is the newcomer's first command: it must keep passing. */
class DemoIT {
    @TempDir Path dir;

    @Test
    void theFourUsesHoldEndToEnd() throws Exception {
        StringWriter report = new StringWriter();
        boolean ok = new DemoRun(dir, new PrintWriter(report)).run();
        assertThat(ok).as(report.toString()).isTrue();
        assertThat(report.toString())
                .contains("1. one-time codes")
                .contains("4. customer service replies")
                .contains("5. customer service both ways")
                .contains("[ok] verdict smime=pass")
                .contains("[ok] customer's certificate harvested")
                .contains(SmtpReply.NO_CERTIFICATE.line("<carol@customer.example>", "otp"))
                .contains("result: every check held")
                .doesNotContain("[FAIL]");
    }
}
