package io.mailseal.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigSyntax;
import io.mailseal.app.Relay;
import io.mailseal.config.ConfigLoader;
import io.mailseal.demo.DemoPki.KeyKind;
import io.mailseal.demo.DemoWorld;
import io.mailseal.demo.SubmissionClient;
import io.mailseal.testing.BankMail;
import io.mailseal.testing.Eventually;
import io.mailseal.testing.ExternalTool;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * deploy/prometheus-rules.yml and deploy/grafana-dashboard.json (issue 18) use only metric names a
 * running relay exports, the dashboard is strict JSON, every alert says how long, how bad and what
 * to do, and promtool accepts the rules (when it is installed: CI does not install Prometheus).
 */
class MonitoringRulesIT {
    static final Path RULES = Path.of("deploy/prometheus-rules.yml");
    static final Path DASHBOARD = Path.of("deploy/grafana-dashboard.json");
    static final Pattern NAME = Pattern.compile("(?<![A-Za-z0-9_])mailseal_[a-z_]+");
    static final List<String> SAMPLE_SUFFIXES = List.of("_bucket", "_count", "_sum");

    @TempDir Path dir;

    @Test
    void everyMetricTheRulesAndTheDashboardUseIsExported() throws Exception {
        Set<String> used = new TreeSet<>();
        used.addAll(names(Files.readString(RULES)));
        used.addAll(names(Files.readString(DASHBOARD)));
        assertThat(used)
                .as("the files name metrics at all")
                .contains(
                        "mailseal_spool_oldest_age_seconds",
                        "mailseal_certificate_expiry_seconds",
                        "mailseal_tsa_failures_total");

        try (DemoWorld world = new DemoWorld(dir, Clock.systemUTC())) {
            world.addCustomer("alice@customer.example", KeyKind.RSA);
            try (Relay relay =
                    Relay.start(
                            ConfigLoader.load(world.writeConfig(BankMail.POLICIES)),
                            Clock.systemUTC())) {
                SubmissionClient bank = new SubmissionClient("127.0.0.1", relay.port());
                assertThat(
                                bank.send(
                                                DemoWorld.BANK_SENDER,
                                                List.of("alice@customer.example"),
                                                BankMail.otp("alice@customer.example", "1"))
                                        .code())
                        .isEqualTo(250);
                assertThat(world.sink().awaitMessages(1, Duration.ofSeconds(10))).isTrue();
                // labelled families without a sample are not written: make a TSA fail so that
                // mailseal_tsa_failures_total{url} and mailseal_circuit_opened_total{url} exist
                world.tsa().setDown(true);
                assertThat(
                                bank.send(
                                                DemoWorld.BANK_SENDER,
                                                List.of("alice@customer.example"),
                                                BankMail.otp("alice@customer.example", "2"))
                                        .code())
                        .isEqualTo(451);
                String metrics =
                        Eventually.value(
                                "a delivery counted",
                                Duration.ofSeconds(15),
                                () -> scrape(relay.adminPort()),
                                m -> m.contains("mailseal_delivery_outcomes_total{"));

                Set<String> families = new TreeSet<>();
                Set<String> samples = new TreeSet<>();
                for (String line : metrics.split("\n")) {
                    if (line.startsWith("# TYPE ") || line.startsWith("# HELP ")) {
                        families.add(line.split(" ")[2]);
                    } else if (!line.isBlank() && !line.startsWith("#")) {
                        samples.add(line.split("[{ ]", 2)[0]);
                    }
                }
                Set<String> missing = new TreeSet<>();
                for (String name : used) {
                    if (!exported(name, families, samples)) {
                        missing.add(name);
                    }
                }
                assertThat(missing)
                        .as(
                                "metric names in %s and %s that /metrics does not export:"
                                        + " families %s, samples %s",
                                RULES, DASHBOARD, families, samples)
                        .isEmpty();
            }
        }
    }

    /**
     * A family (its TYPE/HELP name) or a sample; {@code x_count}, {@code x_sum}, {@code x_bucket}
     * also when {@code x} is a family whose samples carry that suffix.
     */
    static boolean exported(String name, Set<String> families, Set<String> samples) {
        if (families.contains(name) || samples.contains(name)) {
            return true;
        }
        for (String suffix : SAMPLE_SUFFIXES) {
            if (name.endsWith(suffix)
                    && families.contains(name.substring(0, name.length() - suffix.length()))) {
                return samples.contains(name);
            }
        }
        return false;
    }

    @Test
    void theDashboardIsStrictJsonWithADatasourceInput() throws Exception {
        Config dashboard =
                ConfigFactory.parseString(
                        Files.readString(DASHBOARD),
                        ConfigParseOptions.defaults().setSyntax(ConfigSyntax.JSON));
        assertThat(dashboard.getInt("schemaVersion")).isGreaterThanOrEqualTo(36);
        assertThat(dashboard.getConfigList("__inputs").get(0).getString("name"))
                .isEqualTo("DS_PROMETHEUS");
        assertThat(Files.readString(DASHBOARD)).contains("\"uid\": \"${DS_PROMETHEUS}\"");
        assertThat(dashboard.getConfigList("panels")).hasSizeGreaterThan(10);
    }

    @Test
    void everyAlertHasADurationASeverityASummaryAndADescription() throws Exception {
        StringBuilder rules = new StringBuilder();
        for (String line : Files.readAllLines(RULES)) {
            if (!line.stripLeading().startsWith("#")) {
                rules.append(line).append('\n');
            }
        }
        String[] alerts = rules.toString().split("\n\\s*- alert: ");
        assertThat(alerts).as("alerts in %s", RULES).hasSizeGreaterThan(8);
        for (int i = 1; i < alerts.length; i++) {
            assertThat(alerts[i])
                    .as("alert %s", alerts[i].lines().findFirst().orElse(""))
                    .containsPattern("\n\\s+for: [0-9]+[smh]\n")
                    .containsPattern("\n\\s+severity: (critical|warning|info)\n")
                    .contains("summary: ", "description: ");
        }
    }

    @Test
    void promtoolAcceptsTheRules() throws Exception {
        Path base = Path.of("").toAbsolutePath();
        assumeTrue(
                ExternalTool.installed(base, "promtool"),
                "promtool is not installed (Debian: apt-get install prometheus)");
        assertThat(ExternalTool.ok(base, "promtool", "check", "rules", RULES.toString()))
                .contains("SUCCESS");
    }

    static Set<String> names(String text) {
        Set<String> names = new TreeSet<>();
        Matcher m = NAME.matcher(text);
        while (m.find()) {
            names.add(m.group());
        }
        return names;
    }

    static String scrape(int adminPort) throws Exception {
        return HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(
                                        URI.create("http://127.0.0.1:" + adminPort + "/metrics"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
    }
}
