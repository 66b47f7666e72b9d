package io.mailseal.seal;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailseal.config.ConfigLoader;
import io.mailseal.policy.MessageFacts;
import io.mailseal.policy.PolicyEngine;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Policies see headers as a reader would: unfolded, RFC 2047-decoded, names case-insensitive. */
class MimeParsingTest {
    @TempDir Path dir;

    @Test
    void foldedAndEncodedHeadersMatchTheirDecodedValue() throws Exception {
        byte[] mail =
                ("""
                From: =?UTF-8?Q?Bank_Kundenservice?= <Service@Bank.Example>\r
                x-mail-class:\r
                 \totp\r
                Subject: =?UTF-8?B?SWhyIENvZGUgZsO8ciBkaWUgQW5tZWxkdW5n?=\r
                \r
                body\r
                """)
                        .getBytes(StandardCharsets.US_ASCII);
        MessageFacts facts = MimeParsing.facts("service@bank.example", MimeParsing.parse(mail));
        assertThat(facts.header("X-Mail-Class")).containsExactly("otp");
        assertThat(facts.subject()).contains("Ihr Code für die Anmeldung");
        assertThat(facts.headerFromAddresses()).containsExactly("Service@Bank.Example");

        Path conf =
                Files.writeString(
                        dir.resolve("relay.conf"),
                        """
                mailseal.policies = [
                  { name = otp, match { headers { "X-MAIL-CLASS" = "otp" }, subject = "Code für" }, action = pass }
                  { name = by-header-from, match { header-from = "*@bank.example" }, action = pass }
                ]""");
        PolicyEngine engine = new PolicyEngine(ConfigLoader.load(conf).policies());
        assertThat(engine.decide(facts, "a@b.example").name()).isEqualTo("otp");
        MessageFacts other =
                new MessageFacts("x@y", facts.headerFromAddresses(), java.util.Map.of());
        assertThat(engine.decide(other, "a@b.example").name()).isEqualTo("by-header-from");
    }

    @Test
    void bccRemovalDropsTheFieldAndItsContinuationLinesOnly() {
        byte[] in =
                "Received: x\r\nBcc: a@b,\r\n c@d\r\nTo: e@f\r\n\r\nBcc: stays in the body\r\n"
                        .getBytes(StandardCharsets.US_ASCII);
        assertThat(new String(BccRemoval.apply(in).toArray(), StandardCharsets.US_ASCII))
                .isEqualTo("Received: x\r\nTo: e@f\r\n\r\nBcc: stays in the body\r\n");
    }
}
