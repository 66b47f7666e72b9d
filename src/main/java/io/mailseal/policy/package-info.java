/**
 * Which policy applies to a recipient ({@link io.mailseal.policy.PolicyEngine}): pure rule matching
 * over message facts, no network, no disk, so {@code run} and {@code explain} agree. Layer 1: may
 * import only config.
 */
package io.mailseal.policy;
