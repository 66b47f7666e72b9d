package io.mailseal.config;

import java.util.List;

/**
 * {@code inbound { ... }}: the second listener, for mail from the internet to the bank. {@code
 * intake} is read as {@code smtp} is (listen, allowed-clients, limits, STARTTLS, AUTH); decrypted
 * mail goes to {@code nextHop} with an Authentication-Results field under {@code authservId}.
 */
public record InboundConfig(
        SmtpConfig intake, HostPort nextHop, String authservId, List<InboundPolicy> policies) {

    public InboundConfig {
        policies = List.copyOf(policies);
    }

    /** What protection a customer's mail must have. */
    public enum Requirement {
        NONE,
        SIGNED,
        ENCRYPTED,
        SIGNED_AND_ENCRYPTED;

        public boolean needsSignature() {
            return this == SIGNED || this == SIGNED_AND_ENCRYPTED;
        }

        public boolean needsEncryption() {
            return this == ENCRYPTED || this == SIGNED_AND_ENCRYPTED;
        }
    }

    /** What happens to mail without it: refused with 550 5.7.1, or delivered with the verdict. */
    public enum OnViolation {
        REJECT,
        TAG
    }

    /** One entry of {@code inbound.policies}; the first whose match holds for a recipient. */
    public record InboundPolicy(
            String name, PolicyConfig.Match match, Requirement require, OnViolation onViolation) {}
}
