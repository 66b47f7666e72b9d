package io.mailseal.crypto;

import java.security.cert.X509Certificate;

/** One recipient of an envelope; {@code keyTransport} applies to RSA certificates only. */
public record EnvelopeRecipient(X509Certificate certificate, KeyTransport keyTransport) {}
