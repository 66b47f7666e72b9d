package io.mailseal.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailseal.config.DeliveryConfig.TlsLevel;
import io.mailseal.config.PolicyConfig;
import io.mailseal.policy.PolicyEngine;
import io.mailseal.spool.SpooledMessage;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TlsLevelsTest {

    private static PolicyConfig policy(String name, Optional<TlsLevel> deliveryTls) {
        PolicyConfig p = PolicyEngine.NO_MATCH;
        return new PolicyConfig(
                name,
                p.match(),
                p.action(),
                p.timestamp(),
                p.protectHeaders(),
                p.onMissingCertificate(),
                p.outerSubject(),
                p.hideHeaders(),
                p.maxAge(),
                deliveryTls,
                false);
    }

    @Test
    void aPolicyRaisesTheGlobalLevelAndOtherMailKeepsIt() {
        TlsLevels levels =
                new TlsLevels(
                        TlsLevel.MAY,
                        List.of(
                                policy("statement", Optional.of(TlsLevel.ENCRYPT)),
                                policy("default", Optional.empty())));
        assertThat(levels.forPolicy("statement")).isEqualTo(TlsLevel.ENCRYPT);
        assertThat(levels.forPolicy("default")).isEqualTo(TlsLevel.MAY);
        assertThat(levels.forPolicy("unknown")).as("a name no policy has").isEqualTo(TlsLevel.MAY);
    }

    @Test
    void aMessageKeepsTheLevelItsPolicyAskedWhenItWasAccepted() {
        TlsLevels levels =
                new TlsLevels(
                        TlsLevel.MAY, List.of(policy("statement", Optional.of(TlsLevel.ENCRYPT))));
        assertThat(levels.forMessage(queued("statements-renamed", "ENCRYPT")))
                .as("policy renamed, relay restarted")
                .isEqualTo(TlsLevel.ENCRYPT);
        assertThat(levels.forMessage(queued("statement", "MAY")))
                .as("raised since")
                .isEqualTo(TlsLevel.ENCRYPT);
        assertThat(levels.forMessage(queued("default", ""))).isEqualTo(TlsLevel.MAY);
        assertThat(levels.forMessage(queued("default", "SOMETHING")))
                .as("fail closed")
                .isEqualTo(TlsLevel.VERIFY);
    }

    private static SpooledMessage queued(String policy, String minimumTls) {
        Instant now = Instant.parse("2026-11-25T11:00:00Z");
        return new SpooledMessage(
                "Q1.0",
                "bank@bank.example",
                List.of("a@x.example"),
                policy,
                now,
                now.plusSeconds(60),
                io.mailseal.spool.MessageBytes.of(new byte[0]),
                minimumTls);
    }

    @Test
    void aDsnGoesAtDeliveryTlsWhateverThePoliciesAskUnlessDsnTlsSaysOtherwise() {
        // it goes back to the bank's own MTA with the outer headers only: a policy's level for the
        // hop to customers must not make it wait there
        List<PolicyConfig> policies =
                List.of(
                        policy("statement", Optional.of(TlsLevel.VERIFY)),
                        policy("default", Optional.empty()));
        assertThat(new TlsLevels(TlsLevel.MAY, policies).forPolicy(PolicyConfig.DSN))
                .isEqualTo(TlsLevel.MAY);
        assertThat(new TlsLevels(TlsLevel.NONE, policies).forMessage(queued(PolicyConfig.DSN, "")))
                .isEqualTo(TlsLevel.NONE);
        assertThat(
                        new TlsLevels(TlsLevel.MAY, TlsLevel.ENCRYPT, policies)
                                .forPolicy(PolicyConfig.DSN))
                .as("dsn-tls")
                .isEqualTo(TlsLevel.ENCRYPT);
        assertThat(
                        new TlsLevels(TlsLevel.ENCRYPT, TlsLevel.NONE, policies)
                                .forPolicy(PolicyConfig.DSN))
                .as("never below delivery.tls")
                .isEqualTo(TlsLevel.ENCRYPT);
    }

    @Test
    void aPolicyNeverLowersTheLevelTheRelayRunsWith() {
        // a reloaded relay.conf may say delivery.tls = none; the running level stays until a
        // restart
        TlsLevels levels = new TlsLevels(TlsLevel.ENCRYPT, List.of());
        levels.follow(List.of(policy("news", Optional.of(TlsLevel.MAY))));
        assertThat(levels.forPolicy("news")).isEqualTo(TlsLevel.ENCRYPT);
    }

    @Test
    void aReloadChangesALevelAndARemovedPolicyKeepsItsOwnForTheMailQueuedUnderIt() {
        TlsLevels levels =
                new TlsLevels(
                        TlsLevel.MAY,
                        List.of(
                                policy("statement", Optional.of(TlsLevel.ENCRYPT)),
                                policy("service", Optional.of(TlsLevel.ENCRYPT))));
        levels.follow(
                List.of(
                        policy("statements", Optional.of(TlsLevel.VERIFY)),
                        policy("service", Optional.empty())));
        assertThat(levels.forPolicy("statements")).isEqualTo(TlsLevel.VERIFY);
        assertThat(levels.forPolicy("service")).isEqualTo(TlsLevel.MAY);
        assertThat(levels.forPolicy("statement"))
                .as("renamed by the reload")
                .isEqualTo(TlsLevel.ENCRYPT);
    }
}
