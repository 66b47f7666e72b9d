package io.mailseal.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * {@code certificates { ... }}: where recipient certificates come from and how they are trusted.
 * {@code revocationTimeout} bounds each OCSP or CRL request. {@code allowSha1Signatures}: accept
 * recipient certificates signed with SHA-1 (default no; one setting for every policy, because a
 * certificate lookup, its cache and {@code lookup} answer without a policy).
 */
public record CertificatesConfig(
        Optional<Path> trustAnchors,
        List<Source> sources,
        Revocation revocation,
        Duration revocationTimeout,
        Cache cache,
        boolean allowSha1Signatures) {

    public enum Revocation {
        OFF,
        SOFT_FAIL,
        HARD_FAIL
    }

    public sealed interface Source
            permits DirectorySource, LdapSource, HttpSource, HarvestSource, SmimeaSource {}

    /**
     * SMIMEA records (RFC 8162) in DNSSEC-secure DNS, through {@code mailseal.dns}: only a secure
     * answer gives a certificate.
     */
    public record SmimeaSource() implements Source {}

    /** {@code <address>.pem|.crt|.cer} files in one directory. */
    public record DirectorySource(Path path) implements Source {}

    /**
     * An LDAP directory: {@code filter} with {@code {address}} (escaped per RFC 4515), the
     * certificate in {@code attributes}; anonymous unless a bind DN and password are given.
     */
    public record LdapSource(
            List<java.net.URI> urls,
            String baseDn,
            String filter,
            List<String> attributes,
            java.util.Optional<String> bindDn,
            java.util.Optional<IdentityConfig.PasswordSource> bindPassword,
            Duration timeout,
            int maxConnections)
            implements Source {}

    /**
     * A key service: {@code GET url} with {@code {address}} percent-encoded, answering PEM or DER;
     * 404 is "no certificate". The token from {@code tokenFile}, when given, goes in {@code
     * tokenHeader} ({@code Authorization: Bearer <token>} unless another header is named).
     */
    public record HttpSource(
            String url, Duration timeout, Optional<Path> tokenFile, Optional<String> tokenHeader)
            implements Source {}

    /**
     * Certificates taken from signed mail customers sent, one file per address in {@code path}
     * (default: {@code harvest} beside the spool directory); fed by {@code mailseal certs import}.
     */
    public record HarvestSource(Path path) implements Source {}

    /**
     * Found answers live {@code ttl}, not-found ones {@code negativeTtl}; an entry read after
     * {@code refreshAfter} is looked up again in the background while the cached answer is served.
     */
    public record Cache(
            Duration ttl, Duration negativeTtl, Duration refreshAfter, int maxEntries) {}
}
