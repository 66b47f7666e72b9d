package io.mailseal.seal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

import io.mailseal.certs.Resolution;
import io.mailseal.config.ConfigLoader;
import io.mailseal.config.RelayConfig;
import io.mailseal.crypto.AlgorithmChoice;
import io.mailseal.crypto.ContentEncryption;
import io.mailseal.demo.DemoPki;
import io.mailseal.demo.DemoPki.KeyKind;
import io.mailseal.policy.MessageFacts;
import io.mailseal.policy.PolicyEngine;
import io.mailseal.seal.SealingPlan.Group;
import io.mailseal.seal.SealingPlan.Treatment;
import io.mailseal.smtp.SmtpReply;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Policy and certificate per recipient, grouped into one immutable plan. */
class SealingPlannerTest {
    static final DemoPki PKI = new DemoPki(Clock.systemUTC(), "Planner Test CA");

    @TempDir Path dir;

    private SealingPlanner planner(String policies, Map<String, Resolution> directory)
            throws Exception {
        Path file =
                Files.writeString(
                        dir.resolve("relay.conf"),
                        """
                mailseal.timestamp.urls = ["http://127.0.0.1:1/tsr"]
                mailseal.crypto.overrides = [ { to = "*@modern.example", content-encryption = aes-256-gcm } ]
                mailseal.policies = [%s]"""
                                .formatted(policies));
        RelayConfig config = ConfigLoader.load(file);
        return new SealingPlanner(
                new PolicyEngine(config.policies()),
                rcpt ->
                        directory.getOrDefault(
                                rcpt, new Resolution.Missing("not in the test directory")),
                new AlgorithmChoice(config.crypto()),
                SealingMetrics.NONE,
                address -> Optional.empty());
    }

    private static Resolution usable(String address) {
        return new Resolution.Usable(PKI.customer(address, KeyKind.RSA).certificate(), "test");
    }

    @Test
    void recipientsOfOneTreatmentPolicyAndAlgorithmShareAGroupInTheOrderOfTheirFirstRecipient()
            throws Exception {
        SealingPlanner planner =
                planner(
                        """
                { name = partners, match { to = "*@partner.example" }, action = sign }
                { name = customers, action = encrypt, on-missing-certificate = sign-only }""",
                        Map.of(
                                "a@customer.example",
                                usable("a@customer.example"),
                                "b@modern.example",
                                usable("b@modern.example"),
                                "c@customer.example",
                                usable("c@customer.example")));
        SealingPlan plan =
                planner.plan(
                        new MessageFacts("news@bank.example", List.of(), Map.of()),
                        List.of(
                                "a@customer.example",
                                "p@partner.example",
                                "b@modern.example",
                                "c@customer.example",
                                "nocert@customer.example",
                                "q@partner.example"));

        assertThat(plan.refusals()).isEmpty();
        assertThat(plan.unavailable()).isEmpty();
        assertThat(plan.groups())
                .extracting(
                        Group::treatment,
                        g -> g.policy().name(),
                        Group::contentEncryption,
                        Group::recipients)
                .containsExactly(
                        tuple(
                                Treatment.ENCRYPT,
                                "customers",
                                Optional.of(ContentEncryption.AES_256_CBC),
                                List.of("a@customer.example", "c@customer.example")),
                        tuple(
                                Treatment.SIGN,
                                "partners",
                                Optional.empty(),
                                List.of("p@partner.example", "q@partner.example")),
                        tuple(
                                Treatment.ENCRYPT,
                                "customers",
                                Optional.of(ContentEncryption.AES_256_GCM),
                                List.of("b@modern.example")),
                        tuple(
                                Treatment.SIGN,
                                "customers",
                                Optional.empty(),
                                List.of("nocert@customer.example")));
        assertThat(plan.groups().get(0).envelopeRecipients()).hasSize(2);
        assertThat(plan.groups().get(1).envelopeRecipients()).isEmpty();
        assertThat(plan.needsSignature()).isTrue();
        assertThatThrownBy(() -> plan.groups().get(0).recipients().add("x@y.example"))
                .as("the plan is immutable")
                .isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void refusalsAndOutagesAreCollectedPerRecipient() throws Exception {
        SealingPlanner planner =
                planner(
                        """
                { name = blocked, match { to = "*@blocked.example" }, action = reject }
                { name = otp, action = encrypt, on-missing-certificate = reject }""",
                        Map.of(
                                "down@customer.example",
                                new Resolution.Unavailable("LDAP down"),
                                "ok@customer.example",
                                usable("ok@customer.example")));
        SealingPlan plan =
                planner.plan(
                        new MessageFacts("otp@bank.example", List.of(), Map.of()),
                        List.of(
                                "x@blocked.example",
                                "nocert@customer.example",
                                "down@customer.example",
                                "ok@customer.example"));

        assertThat(plan.refusals())
                .extracting(SealingPlan.Refusal::recipient, SealingPlan.Refusal::reply)
                .containsExactly(
                        tuple("x@blocked.example", SmtpReply.REFUSED_BY_POLICY),
                        tuple("nocert@customer.example", SmtpReply.NO_CERTIFICATE));
        assertThat(plan.unavailable()).containsExactly("down@customer.example");
        assertThat(plan.groups())
                .singleElement()
                .extracting(Group::recipients)
                .isEqualTo(List.of("ok@customer.example"));
    }

    @Test
    void passOnlyNeedsNoSignature() throws Exception {
        SealingPlan plan =
                planner("{ name = default, action = pass }", Map.of())
                        .plan(
                                new MessageFacts("news@bank.example", List.of(), Map.of()),
                                List.of("a@b.example"));
        assertThat(plan.needsSignature()).isFalse();
        assertThat(plan.groups())
                .singleElement()
                .extracting(Group::treatment)
                .isEqualTo(Treatment.PASS);
    }
}
