/**
 * The inbound path: customers' mail to the bank. {@link io.mailseal.inbound.InboundPipeline}
 * implements {@code smtp.MessageSink} for the second listener: it opens each message in memory
 * ({@code crypto.MessageOpener}), judges its signatures ({@code certs.SignerTrust}), applies the
 * inbound policy ({@code require}, {@code on-violation}), harvests a valid signer's certificate
 * ({@code certs.CertificateImport}) and spools the message as it arrived with its verdict; {@link
 * io.mailseal.inbound.InboundContent} decrypts it again, in memory, when {@code delivery} sends it
 * to {@code inbound.next-hop}, with an RFC 7281 Authentication-Results field. Layer 3 beside {@code
 * seal}, with no edge between the two: may import config, policy, crypto, spool, certs, delivery,
 * evidence (acceptance records, before the 250) and smtp.
 */
package io.mailseal.inbound;
