package io.mailseal.inbound;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailseal.config.InboundConfig.InboundPolicy;
import io.mailseal.config.InboundConfig.OnViolation;
import io.mailseal.config.InboundConfig.Requirement;
import io.mailseal.smtp.SmtpReply;
import io.mailseal.smtp.Verdict;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What a message that lacks what its recipient's policy requires is answered. */
class ViolationsTest {
    static final String SERVICE = "service@bank.example";

    private static Optional<Verdict.Refused> refusal(
            Requirement r, OnViolation v, InboundVerdict verdict) {
        InboundPolicy p = new InboundPolicy("service", InboundPolicies.NONE_MATCHED.match(), r, v);
        return Violations.refusal(Map.of(p, List.of(SERVICE)), verdict);
    }

    private static InboundVerdict verdict(boolean encrypted, SmimeResult result, String reason) {
        return new InboundVerdict(
                encrypted,
                encrypted,
                encrypted ? "AES-256-CBC" : "",
                List.of(SignatureVerdict.of(result, reason)));
    }

    @Test
    void anUntrustedSignatureUnderSignedIsRefusedWithTheReason() {
        assertThat(
                        refusal(
                                Requirement.SIGNED_AND_ENCRYPTED,
                                OnViolation.REJECT,
                                verdict(
                                        true,
                                        SmimeResult.FAIL,
                                        "signer not issued by a trusted CA")))
                .map(Verdict.Refused::line)
                .hasValue(
                        "550 5.7.1 Mail to <service@bank.example> must be signed with an S/MIME"
                                + " certificate of a trusted CA naming your From address and"
                                + " encrypted with S/MIME to the bank's certificate (policy"
                                + " service); this message has no valid signature: signer not"
                                + " issued by a trusted CA");
    }

    @Test
    void anUnknownRevocationStatusIsOurs451ButMissingEncryptionStays550() {
        InboundVerdict unknown = verdict(true, SmimeResult.TEMPERROR, "revocation status unknown");
        assertThat(refusal(Requirement.SIGNED, OnViolation.REJECT, unknown))
                .map(Verdict.Refused::reply)
                .hasValue(SmtpReply.SIGNER_STATUS_UNAVAILABLE);
        InboundVerdict plainUnknown =
                verdict(false, SmimeResult.TEMPERROR, "revocation status unknown");
        assertThat(refusal(Requirement.SIGNED_AND_ENCRYPTED, OnViolation.REJECT, plainUnknown))
                .map(Verdict.Refused::reply)
                .hasValue(SmtpReply.PROTECTION_REQUIRED);
    }

    @Test
    void tagAndMetRequirementsRefuseNothing() {
        InboundVerdict plain = verdict(false, SmimeResult.NONE, "");
        assertThat(refusal(Requirement.ENCRYPTED, OnViolation.TAG, plain)).isEmpty();
        assertThat(refusal(Requirement.NONE, OnViolation.REJECT, plain)).isEmpty();
        assertThat(
                        refusal(
                                Requirement.SIGNED_AND_ENCRYPTED,
                                OnViolation.REJECT,
                                verdict(true, SmimeResult.PASS, "")))
                .isEmpty();
    }
}
