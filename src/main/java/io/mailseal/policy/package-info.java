/**
 * Which policy applies to a recipient ({@link io.mailseal.policy.PolicyEngine}): pure rule
 * matching over message facts, no network, no disk, so {@code run} and {@code explain} agree.
 * May import only {@code config}.
 */
package io.mailseal.policy;
