package io.mailseal.it;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.mailseal.config.ConfigLoader;
import io.mailseal.demo.DemoWorld;
import io.mailseal.demo.SubmissionClient;
import io.mailseal.smtp.Relay;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** relay.conf edited on disk while the relay runs: new rules apply, a broken file changes nothing. */
class ReloadIT {
    @TempDir
    Path dir;

    @Test
    void changedFileIsPickedUpAndABrokenOneIsRefused() throws Exception {
        ListAppender<ILoggingEvent> log = new ListAppender<>();
        log.start();
        ((Logger) LoggerFactory.getLogger(Relay.class)).addAppender(log);
        try (DemoWorld world = new DemoWorld(dir, Clock.systemUTC())) {
            Path conf = world.writeConfig("{ name = default, action = pass }");
            try (Relay relay = Relay.start(ConfigLoader.load(conf), Clock.systemUTC()).watchConfig(Duration.ofMillis(100))) {
                SubmissionClient bank = new SubmissionClient("127.0.0.1", relay.port());
                String mail = "Subject: hello\r\n\r\nhi\r\n";
                assertThat(bank.send("news@bank.example", List.of("x@partner.example"), mail).code()).isEqualTo(250);

                world.writeConfig("""
                        { name = partners, match { to = "*@partner.example" }, action = reject }
                        { name = default, action = pass }""");
                long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
                int code = 250;
                while (code == 250 && System.nanoTime() < deadline) {
                    code = bank.send("news@bank.example", List.of("x@partner.example"), mail).code();
                }
                assertThat(code).as("new rule in force").isEqualTo(550);

                Files.writeString(conf, Files.readString(conf).replace("action = reject", "action = maybe"));
                assertThat(relay.reload()).isFalse();
                assertThat(bank.send("news@bank.example", List.of("x@partner.example"), mail).line())
                        .isEqualTo("550 5.7.1 <x@partner.example>: refused by policy partners");
                assertThat(log.list).anySatisfy(e -> assertThat(e.getFormattedMessage())
                        .contains("relay.conf not reloaded").contains("mailseal.policies[0].action: \"maybe\""));
            }
        } finally {
            ((Logger) LoggerFactory.getLogger(Relay.class)).detachAppender(log);
        }
    }
}
