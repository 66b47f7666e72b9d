package io.mailseal.config;

import java.nio.file.Path;
import java.util.List;

/**
 * relay.conf, read and validated: everything the relay needs, immutable. {@code spoolMinFree}: the
 * usable bytes the spool's file system must have for {@code /ready}. {@code inbound}: the second
 * listener, for customers' mail to the bank, when configured; {@code evidence}: the journal; {@code
 * store}: where what several nodes share is kept.
 */
public record RelayConfig(
        Path file,
        SmtpConfig smtp,
        HostPort adminListen,
        java.util.Optional<Path> adminTokenFile,
        Path spoolDirectory,
        long spoolMinFree,
        List<IdentityConfig> identities,
        CertificatesConfig certificates,
        TimestampConfig timestamp,
        DeliveryConfig delivery,
        CryptoConfig crypto,
        List<PolicyConfig> policies,
        DnsConfig dns,
        java.util.Optional<InboundConfig> inbound,
        TlsChecksConfig tlsChecks,
        EvidenceConfig evidence,
        StoreConfig store) {}
