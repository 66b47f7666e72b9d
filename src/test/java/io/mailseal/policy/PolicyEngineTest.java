package io.mailseal.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailseal.config.ConfigLoader;
import io.mailseal.config.PolicyConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PolicyEngineTest {
    @TempDir Path dir;

    private PolicyEngine engine(String policies) throws IOException {
        Path file = dir.resolve("relay.conf");
        Files.writeString(
                file,
                "mailseal.timestamp.urls = [\"http://127.0.0.1:1/tsr\"]\nmailseal.policies = ["
                        + policies
                        + "]");
        return new PolicyEngine(ConfigLoader.load(file).policies());
    }

    private static MessageFacts facts(String from, Map<String, List<String>> headers) {
        return new MessageFacts(from, List.of(from), headers);
    }

    @Test
    void firstMatchWinsPerRecipient() throws IOException {
        PolicyEngine e =
                engine(
                        """
                { name = otp, match { headers { "X-Mail-Class" = "otp" } }, action = encrypt }
                { name = partners, match { to = "*@partner.example" }, action = sign }
                { name = default, action = pass }""");
        MessageFacts otp = facts("otp@bank.example", Map.of("x-mail-class", List.of("otp")));
        MessageFacts plain = facts("news@bank.example", Map.of());
        assertThat(e.decide(otp, "a@partner.example").name()).isEqualTo("otp");
        assertThat(e.decide(plain, "a@partner.example").name()).isEqualTo("partners");
        assertThat(e.decide(plain, "a@other.example").name()).isEqualTo("default");
    }

    @Test
    void headerNamesAreCaseInsensitiveAndValuesGlobOrRegex() throws IOException {
        PolicyEngine e =
                engine(
                        """
                { name = glob, match { headers { "x-mail-CLASS" = "otp-*" } }, action = encrypt }
                { name = regex, match { headers { "X-Template" = "/^reset-[0-9]+$/" } }, action = encrypt }""");
        assertThat(
                        e.decide(facts("a@b", Map.of("x-mail-class", List.of("OTP-login"))), "c@d")
                                .name())
                .isEqualTo("glob");
        assertThat(e.decide(facts("a@b", Map.of("x-template", List.of("reset-42"))), "c@d").name())
                .isEqualTo("regex");
        assertThat(e.decide(facts("a@b", Map.of("x-template", List.of("reset-42x"))), "c@d"))
                .isSameAs(PolicyEngine.NO_MATCH);
    }

    @Test
    void allConditionsMustHold() throws IOException {
        PolicyEngine e =
                engine(
                        """
                { name = st, match { from = "statements@bank.example", subject = "statement", header-from = "*@bank.example" }, action = encrypt }""");
        MessageFacts ok =
                new MessageFacts(
                        "statements@bank.example",
                        List.of("noreply@bank.example"),
                        Map.of("subject", List.of("Your monthly Statement")));
        MessageFacts spoofedHeader =
                new MessageFacts(
                        "statements@bank.example",
                        List.of("x@evil.example"),
                        Map.of("subject", List.of("Your monthly Statement")));
        assertThat(e.decide(ok, "c@d").name()).isEqualTo("st");
        assertThat(e.decide(spoofedHeader, "c@d")).isSameAs(PolicyEngine.NO_MATCH);
    }

    @Test
    void noMatchPassesAndExplainSaysWhyEachRuleFailedWithoutTheSubject() throws IOException {
        PolicyEngine e =
                engine(
                        """
                { name = otp, match { headers { "X-Mail-Class" = "otp" } }, action = encrypt }
                { name = codes, match { subject = "^Code" }, action = encrypt }""");
        MessageFacts f = facts("a@bank.example", Map.of("subject", List.of("Your code 493817")));
        assertThat(e.decide(f, "c@d").action()).isEqualTo(PolicyConfig.Action.PASS);
        List<PolicyEngine.Evaluation> why = e.explain(f, "c@d");
        assertThat(why)
                .extracting(ev -> ev.policy().name())
                .containsExactly("otp", "codes", "(none matched)");
        assertThat(why.get(0).mismatch()).contains("header X-Mail-Class is absent");
        assertThat(why.get(1).mismatch()).contains("subject does not match /^Code/");
        assertThat(why.toString()).doesNotContain("493817");
    }
}
