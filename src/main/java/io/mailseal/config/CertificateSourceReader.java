package io.mailseal.config;

import io.mailseal.config.CertificatesConfig.DirectorySource;
import io.mailseal.config.CertificatesConfig.HarvestSource;
import io.mailseal.config.CertificatesConfig.HttpSource;
import io.mailseal.config.CertificatesConfig.LdapSource;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Reads one entry of {@code certificates.sources}. */
final class CertificateSourceReader {
    private CertificateSourceReader() {}

    /**
     * {@code spoolDirectory} places the default harvest store beside it; with a {@code shared}
     * store the harvest is in the database and has no path.
     */
    static CertificatesConfig.Source read(ConfigSection src, Path spoolDirectory, boolean shared) {
        String type = src.string("type", "directory");
        switch (type) {
            case "directory" -> {
                Path path = src.path("path", null);
                if (path == null) {
                    src.problem("path", "is missing");
                }
                return new DirectorySource(path);
            }
            case "ldap" -> {
                return ldap(src);
            }
            case "http" -> {
                return http(src);
            }
            case "harvest" -> {
                if (shared && src.has("path")) {
                    src.problem(
                            "path",
                            src.value("path"),
                            "is not read: the harvest store is in the database"
                                    + " (mailseal.store.type = postgresql)");
                }
                return new HarvestSource(
                        src.path("path", spoolDirectory.resolveSibling("harvest")));
            }
            case "smimea" -> {
                return new CertificatesConfig.SmimeaSource();
            }
            default -> {
                src.problem(
                        "type",
                        src.value("type"),
                        "is not a source type (directory | ldap | http | harvest | smimea)");
                return new DirectorySource(null);
            }
        }
    }

    private static HttpSource http(ConfigSection s) {
        String url = s.string("url", null);
        if (url == null) {
            s.problem("url", "is missing (e.g. \"https://keys.bank.example/certs/{address}\")");
        } else if (!url.contains("{address}")) {
            s.problem("url", s.value("url"), "must contain {address}");
        } else {
            try {
                URI probe = new URI(url.replace("{address}", "address"));
                if (!"http".equals(probe.getScheme()) && !"https".equals(probe.getScheme())
                        || probe.getHost() == null) {
                    s.problem("url", s.value("url"), "is not an http:// or https:// URL");
                } else if (url.indexOf("{address}") < authorityEnd(url)) {
                    s.problem(
                            "url",
                            s.value("url"),
                            "must have {address} in the path or query, not the host");
                }
            } catch (URISyntaxException e) {
                s.problem("url", s.value("url"), "is not a URL: " + e.getReason());
            }
        }
        Optional<Path> tokenFile = s.optionalPath("bearer-token-file");
        Optional<String> tokenHeader = s.optionalString("token-header");
        if (tokenHeader.isPresent() && tokenFile.isEmpty()) {
            s.problem("token-header", "needs bearer-token-file (the token it carries)");
        }
        tokenHeader
                .filter(h -> !h.matches("[A-Za-z0-9!#$%&'*+.^_`|~-]+"))
                .ifPresent(
                        h ->
                                s.problem(
                                        "token-header",
                                        s.value("token-header"),
                                        "is not an HTTP header name"));
        return new HttpSource(
                url, s.duration("timeout", Duration.ofSeconds(3)), tokenFile, tokenHeader);
    }

    /** Where the host (and port) of a URL end: at the first '/', '?' or '#' after "://". */
    private static int authorityEnd(String url) {
        int start = url.indexOf("://") + 3;
        for (int i = start; i < url.length(); i++) {
            if ("/?#".indexOf(url.charAt(i)) >= 0) {
                return i;
            }
        }
        return url.length();
    }

    private static LdapSource ldap(ConfigSection s) {
        List<URI> urls = new ArrayList<>();
        for (String u : s.strings("url", List.of())) {
            URI uri = URI.create(u.replace(" ", "%20"));
            if (!"ldap".equals(uri.getScheme()) && !"ldaps".equals(uri.getScheme())
                    || uri.getHost() == null) {
                s.problem("url", "\"" + u + "\" is not an ldap:// or ldaps:// URL");
            } else {
                urls.add(uri);
            }
        }
        if (!s.has("url")) {
            s.problem("url", "is missing (a list of ldap:// URLs, tried in order)");
        }
        String baseDn = s.string("base-dn", null);
        if (baseDn == null) {
            s.problem("base-dn", "is missing");
        }
        String filter = s.string("filter", "(mail={address})");
        if (!filter.contains("{address}")) {
            s.problem("filter", s.value("filter"), "must contain {address}");
        }
        Optional<IdentityConfig.PasswordSource> password =
                SecretKeys.optional(s, "bind-password-env", "bind-password-file");
        Optional<String> bindDn = s.optionalString("bind-dn");
        if (bindDn.isPresent() != password.isPresent()) {
            s.problem(
                    "bind-dn",
                    "bind-dn and one of bind-password-env / bind-password-file go together");
        }
        return new LdapSource(
                urls,
                baseDn,
                filter,
                s.strings("attributes", List.of("userSMIMECertificate", "userCertificate;binary")),
                bindDn,
                password,
                s.duration("timeout", Duration.ofSeconds(3)),
                s.integer("max-connections", 8, 1));
    }
}
