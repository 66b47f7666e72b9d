package io.mailseal.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class StoreConfigReaderTest {
    private final Path file = Path.of("/etc/mailseal/relay.conf");

    private RelayConfig read(String text) {
        return ConfigLoader.read(ConfigFactory.parseString(text).resolve(), file);
    }

    private List<String> problems(String text) {
        try {
            read(text);
        } catch (ConfigException e) {
            return e.problems();
        }
        throw new AssertionError("expected a ConfigException");
    }

    @Test
    void theDefaultIsTheEmbeddedStoreThatNeedsNothing() {
        assertThat(read("").store()).isEqualTo(StoreConfig.EMBEDDED);
        assertThat(read("").store().shared()).isFalse();
    }

    @Test
    void aPostgresqlStoreWithItsDefaultsAndThePasswordFileBesideRelayConf() {
        StoreConfig s =
                read("mailseal.store { type = postgresql, url ="
                                + " \"jdbc:postgresql://db.bank.example:5432/mailseal\", user ="
                                + " relay, password-file = store.pass, node = relay-a }")
                        .store();
        assertThat(s.shared()).isTrue();
        assertThat(s.url()).isEqualTo("jdbc:postgresql://db.bank.example:5432/mailseal");
        assertThat(s.password())
                .contains(new IdentityConfig.FromFile(Path.of("/etc/mailseal/store.pass")));
        assertThat(s.poolSize()).isEqualTo(8);
        assertThat(s.node()).contains("relay-a");
        assertThat(s.timeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(s.recheckInterval()).isEqualTo(Duration.ofSeconds(30));
        assertThat(
                        read("mailseal.store { type = postgresql, url = \"jdbc:postgresql://db/m\", user = r }")
                                .store()
                                .node())
                .isEqualTo(Optional.empty());
    }

    @Test
    void badValuesNameKeyAndValue() {
        assertThat(
                        problems(
                                "mailseal.store { type = postgresql, url = \"mysql://db/m\","
                                        + " pool-size = 500, node = \"a b\", password-env = PW,"
                                        + " password-file = pw }"))
                .containsExactlyInAnyOrder(
                        "mailseal.store.url: \"mysql://db/m\" is not a jdbc:postgresql:// URL",
                        "mailseal.store.user: is missing (the database role mailseal connects as)",
                        "mailseal.store.pool-size: 500 is more than 64",
                        "mailseal.store.node: \"a b\" is not a name of letters, digits, '.', '_'"
                                + " or '-'",
                        "mailseal.store.password-env: give at most one of password-env or"
                                + " password-file");
        assertThat(problems("mailseal.store { type = mysql }"))
                .contains("mailseal.store.type: \"mysql\" is not embedded or postgresql");
        assertThat(problems("mailseal.store.url = \"jdbc:postgresql://db/m\""))
                .containsExactly(
                        "mailseal.store.url: \"jdbc:postgresql://db/m\" is read only with type ="
                                + " postgresql");
    }

    @Test
    void aHarvestSourceHasNoPathWhenTheHarvestIsInTheDatabase() {
        assertThat(
                        problems(
                                "mailseal.store { type = postgresql, url = \"jdbc:postgresql://db/m\","
                                        + " user = r }\n"
                                        + "mailseal.certificates.sources = [{ type = harvest, path ="
                                        + " /var/lib/mailseal/harvest }]"))
                .containsExactly(
                        "mailseal.certificates.sources[0].path: \"/var/lib/mailseal/harvest\" is"
                                + " not read: the harvest store is in the database"
                                + " (mailseal.store.type = postgresql)");
    }
}
