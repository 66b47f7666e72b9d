package io.mailseal.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigSyntax;
import io.mailseal.config.CertificatesConfig.Cache;
import io.mailseal.config.CertificatesConfig.Revocation;
import io.mailseal.config.DeliveryConfig.TlsLevel;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads relay.conf (HOCON) into a {@link RelayConfig}. Every key has a default; unknown keys, wrong
 * types and bad values are collected and thrown together as one {@link ConfigException} whose lines
 * each name the key, the value and the reason.
 */
public final class ConfigLoader {
    private ConfigLoader() {}

    public static RelayConfig load(Path file) {
        Path absolute = file.toAbsolutePath().normalize();
        if (!Files.isRegularFile(absolute)) {
            throw new ConfigException(List.of(absolute + ": no such file"));
        }
        Config parsed;
        try {
            parsed =
                    ConfigFactory.parseFile(
                                    absolute.toFile(),
                                    ConfigParseOptions.defaults()
                                            .setSyntax(ConfigSyntax.CONF)
                                            .setAllowMissing(false))
                            .resolve();
        } catch (com.typesafe.config.ConfigException e) {
            throw new ConfigException(List.of(absolute + ": " + e.getMessage()));
        }
        return read(parsed, absolute);
    }

    /** Reads an already parsed config; relative paths resolve against {@code file}'s directory. */
    static RelayConfig read(Config parsed, Path file) {
        List<String> problems = new ArrayList<>();
        ConfigSection top = new ConfigSection(parsed, "", file.getParent(), problems);
        ConfigSection root = top.section("mailseal");
        ConfigSection admin = root.section("admin");
        HostPort adminListen = hostPort(admin, "listen", "127.0.0.1:8025");
        java.util.Optional<Path> adminToken = admin.optionalPath("token-file");
        admin.finish();
        ConfigSection spool = root.section("spool");
        Path spoolDirectory = spool.path("directory", Path.of("/var/lib/mailseal/spool"));
        long spoolMinFree = spool.bytes("min-free", 100L << 20);
        spool.finish();
        ConfigSection delivery = root.section("delivery");
        SmtpConfig smtp = SmtpConfigReader.read(root.section("smtp"));
        StoreConfig store = StoreConfigReader.read(root.section("store"));
        RelayConfig config =
                new RelayConfig(
                        file,
                        smtp,
                        adminListen,
                        adminToken,
                        spoolDirectory,
                        spoolMinFree,
                        root.sections("identities", IdentityConfigReader::read),
                        certificates(root.section("certificates"), spoolDirectory, store),
                        timestamp(root.section("timestamp")),
                        delivery(delivery),
                        CryptoConfigReader.read(root.section("crypto")),
                        PolicyConfigReader.read(root),
                        DnsConfigReader.read(root.section("dns")),
                        InboundConfigReader.read(root, smtp),
                        TlsChecksConfigReader.read(root),
                        EvidenceConfigReader.read(root.section("evidence"), spoolDirectory),
                        store);
        requireTimestampAuthorities(config, problems);
        checkDeliveryTls(config, root, delivery);
        root.finish();
        top.finish();
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return config;
    }

    /** A policy that requires a timestamp can only be met when some TSA is configured. */
    private static void requireTimestampAuthorities(RelayConfig config, List<String> problems) {
        if (!config.timestamp().urls().isEmpty()) {
            return;
        }
        for (int i = 0; i < config.policies().size(); i++) {
            PolicyConfig p = config.policies().get(i);
            if (p.requiresTimestamp()) {
                problems.add(
                        "mailseal.policies["
                                + i
                                + "].timestamp: \"required\" (policy "
                                + p.name()
                                + ") but mailseal.timestamp.urls is empty");
            }
        }
    }

    /**
     * A policy's {@code delivery-tls} (and {@code delivery.dsn-tls}) may raise {@code
     * delivery.tls}, never lower it: the stricter one applies, so a lower one would read as a
     * promise the relay does not keep. Trust anchors serve {@code verify} only.
     */
    private static void checkDeliveryTls(
            RelayConfig config, ConfigSection root, ConfigSection delivery) {
        TlsLevel global = config.delivery().tls();
        boolean verifies = global == TlsLevel.VERIFY;
        for (int i = 0; i < config.policies().size(); i++) {
            PolicyConfig p = config.policies().get(i);
            TlsLevel own = p.deliveryTls().orElse(global);
            if (own.compareTo(global) < 0) {
                root.problem(
                        "policies[" + i + "].delivery-tls",
                        "\""
                                + Keywords.kebab(own)
                                + "\" (policy "
                                + p.name()
                                + ") is weaker than mailseal.delivery.tls = "
                                + Keywords.kebab(global)
                                + ": a policy can raise the level, never lower it");
            }
            verifies |= own == TlsLevel.VERIFY;
        }
        TlsLevel dsn = config.delivery().dsnTls().orElse(global);
        if (dsn.compareTo(global) < 0) {
            delivery.problem(
                    "dsn-tls",
                    delivery.value("dsn-tls"),
                    "is weaker than mailseal.delivery.tls = "
                            + Keywords.kebab(global)
                            + ": DSNs can be sent at a stricter level, never a weaker one");
        }
        verifies |= dsn == TlsLevel.VERIFY;
        boolean dane =
                global == TlsLevel.DANE
                        || dsn == TlsLevel.DANE
                        || config.policies().stream()
                                .anyMatch(p -> p.deliveryTls().orElse(global) == TlsLevel.DANE);
        if (dane && config.delivery().mode() != DeliveryConfig.Mode.MX) {
            delivery.problem(
                    "mode",
                    "is smarthost, but tls, dsn-tls or a policy's delivery-tls is dane: DANE"
                            + " authenticates MX hosts found by DNSSEC (mode = mx)");
        }
        if (config.delivery().mtaSts().enabled()
                && config.delivery().mode() != DeliveryConfig.Mode.MX) {
            delivery.problem(
                    "mta-sts.enabled",
                    "is true but mode is smarthost: MTA-STS is the policy of recipient domains,"
                            + " applied to their MX hosts (mode = mx)");
        }
        verifies |= config.delivery().mtaSts().enabled();
        if (config.delivery().tlsTrustAnchors().isPresent() && !verifies) {
            delivery.problem(
                    "tls-trust-anchors",
                    delivery.value("tls-trust-anchors"),
                    "is only used with tls = verify, dsn-tls = verify or a policy's delivery-tls ="
                            + " verify");
        }
    }

    private static CertificatesConfig certificates(
            ConfigSection s, Path spoolDirectory, StoreConfig store) {
        List<CertificatesConfig.Source> sources =
                s.sections(
                        "sources",
                        src -> CertificateSourceReader.read(src, spoolDirectory, store.shared()));
        if (sources.stream().filter(CertificatesConfig.HarvestSource.class::isInstance).count()
                > 1) {
            s.problem(
                    "sources",
                    "has more than one harvest source; certs import needs to know which one to fill");
        }
        ConfigSection c = s.section("cache");
        Duration ttl = c.duration("ttl", Duration.ofHours(1));
        // refresh ahead at 80% of ttl: a hot address is looked up again before its entry expires
        Duration refreshAfter = c.duration("refresh-after", ttl.multipliedBy(4).dividedBy(5));
        if (refreshAfter.compareTo(ttl) >= 0) {
            c.problem(
                    "refresh-after",
                    c.value("refresh-after"),
                    "must be shorter than ttl ("
                            + (c.has("ttl") ? ConfigSection.render(c.value("ttl")) : "1h")
                            + ")");
        }
        Cache cache =
                new Cache(
                        ttl,
                        c.duration("negative-ttl", Duration.ofMinutes(5)),
                        refreshAfter,
                        c.integer("max-entries", 100_000, 1));
        c.finish();
        CertificatesConfig cfg =
                new CertificatesConfig(
                        s.optionalPath("trust-anchors"),
                        sources,
                        s.choice("revocation", Revocation.SOFT_FAIL),
                        s.duration("revocation-timeout", Duration.ofSeconds(3)),
                        cache,
                        s.bool("allow-sha1-signatures", false));
        s.finish();
        return cfg;
    }

    private static TimestampConfig timestamp(ConfigSection s) {
        List<URI> urls = new ArrayList<>();
        for (String u : s.strings("urls", List.of())) {
            try {
                URI uri = new URI(u);
                if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())
                        || uri.getHost() == null) {
                    throw new java.net.URISyntaxException(u, "not an http(s) URL");
                }
                urls.add(uri);
            } catch (java.net.URISyntaxException e) {
                s.problem("urls", "\"" + u + "\" is not an http(s) URL");
            }
        }
        TimestampConfig t =
                new TimestampConfig(
                        List.copyOf(urls),
                        s.optionalPath("trust-anchors"),
                        s.duration("timeout", Duration.ofSeconds(3)));
        s.finish();
        return t;
    }

    private static DeliveryConfig delivery(ConfigSection s) {
        ConfigSection retry = s.section("retry");
        if (s.has("dns-servers")) {
            s.problem("dns-servers", s.value("dns-servers"), "has moved: use mailseal.dns.servers");
        }
        DeliveryConfig d =
                new DeliveryConfig(
                        s.choice("mode", DeliveryConfig.Mode.SMARTHOST),
                        hostPort(s, "smarthost", "127.0.0.1:25"),
                        s.port("mx-port", 25),
                        s.choice("tls", TlsLevel.MAY),
                        s.optionalPath("tls-trust-anchors"),
                        s.integer("connections", 4, 1),
                        retry.duration("initial", Duration.ofMinutes(1)),
                        retry.duration("max", Duration.ofHours(1)),
                        s.duration("max-age", Duration.ofDays(5)),
                        s.duration("timeout", Duration.ofSeconds(60)),
                        s.duration("shutdown-grace", Duration.ofSeconds(30)),
                        // a bad value is reported; the strictest level stands in (no second
                        // problem)
                        Optional.ofNullable(
                                s.has("dsn-tls") ? s.choice("dsn-tls", TlsLevel.VERIFY) : null),
                        mtaSts(s.section("mta-sts")));
        retry.finish();
        s.finish();
        return d;
    }

    private static MtaStsConfig mtaSts(ConfigSection s) {
        MtaStsConfig off = MtaStsConfig.off();
        MtaStsConfig m =
                new MtaStsConfig(
                        s.bool("enabled", off.enabled()),
                        s.optionalPath("trust-anchors"),
                        s.port("port", off.port()),
                        s.duration("timeout", off.timeout()));
        s.finish();
        return m;
    }

    static HostPort hostPort(ConfigSection s, String key, String fallback) {
        String text = s.string(key, fallback);
        try {
            return HostPort.parse(text);
        } catch (IllegalArgumentException e) {
            s.problem(key, s.value(key), e.getMessage());
            return HostPort.parse(fallback);
        }
    }
}
