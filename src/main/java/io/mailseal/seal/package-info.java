/**
 * Outbound orchestration: {@link io.mailseal.seal.SealingPipeline} is the intake's {@code
 * MessageSink} (parse, plan per recipient group, check, sign/timestamp/encrypt, spool through
 * {@code delivery.Outbox}); also {@code mailseal explain}. Reports through its own {@link
 * io.mailseal.seal.SealingMetrics}; records acceptances and refusals in the {@code
 * evidence.Evidence} journal (before the 250). Layer 3: may import config, policy, crypto, spool,
 * certs, tsa, delivery, evidence and smtp; never admin, app, demo or cli.
 */
package io.mailseal.seal;
