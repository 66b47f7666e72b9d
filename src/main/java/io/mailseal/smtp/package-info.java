/**
 * SMTP intake only: the SubEthaSMTP server, admission, AUTH, STARTTLS, DATA reading and the one
 * reply table {@link io.mailseal.smtp.SmtpReply}. Each message goes to a {@link
 * io.mailseal.smtp.MessageSink}, whose {@link io.mailseal.smtp.Verdict} is the reply. Layer 2, but
 * may import only config and text ({@link io.mailseal.text.PeerText} for what a client wrote): it
 * knows nothing of policy, certificates, crypto or queues.
 */
package io.mailseal.smtp;
