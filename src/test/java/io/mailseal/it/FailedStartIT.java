package io.mailseal.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mailseal.app.Relay;
import io.mailseal.config.ConfigException;
import io.mailseal.config.ConfigLoader;
import io.mailseal.demo.DemoWorld;
import io.mailseal.testing.BankMail;
import io.mailseal.testing.Eventually;
import io.mailseal.testing.LoopbackPorts;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A start that fails half-way (here: the SMTP port is taken) releases everything it had opened: the
 * admin listener is free again, the LDAP pool's connection is closed and no delivery thread is left
 * running.
 */
class FailedStartIT {
    @TempDir Path dir;

    @Test
    void aStartThatFailsReleasesTheAdminListenerTheLdapPoolAndTheDeliveryThreads()
            throws Exception {
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        int admin = LoopbackPorts.free();
        try (DemoWorld world = new DemoWorld(dir, Clock.systemUTC());
                ServerSocket smtpTaken = new ServerSocket(0, 50, loopback);
                ServerSocket ldap = new ServerSocket(0, 50, loopback)) {
            Path conf =
                    world.writeConfig(
                            BankMail.POLICIES,
                            """
                    smtp.listen = "127.0.0.1:%d"
                    admin.listen = "127.0.0.1:%d"
                    certificates.sources = [ { type = ldap, url = ["ldap://127.0.0.1:%d"],
                      base-dn = "ou=people,dc=bank,dc=example", timeout = 2s } ]"""
                                    .formatted(
                                            smtpTaken.getLocalPort(), admin, ldap.getLocalPort()));

            assertThatThrownBy(() -> Relay.start(ConfigLoader.load(conf), Clock.systemUTC()))
                    .isInstanceOfSatisfying(
                            ConfigException.class,
                            e ->
                                    assertThat(e.problems())
                                            .containsExactly(
                                                    "mailseal.smtp.listen: cannot serve on 127.0.0.1:"
                                                            + smtpTaken.getLocalPort()
                                                            + ": Address already in use"));

            ldap.setSoTimeout(5000);
            try (Socket pooled = ldap.accept();
                    InputStream in = pooled.getInputStream()) {
                pooled.setSoTimeout(5000);
                in.readAllBytes(); // an LDAP unbind, then the end of the stream; a time-out
                // if left open
            }
            try (ServerSocket adminAgain = new ServerSocket(admin, 50, loopback)) {
                assertThat(adminAgain.getLocalPort())
                        .as("the admin listener was released")
                        .isEqualTo(admin);
            }
            Eventually.await(
                    "no delivery thread left",
                    Duration.ofSeconds(5),
                    () ->
                            Thread.getAllStackTraces().keySet().stream()
                                    .noneMatch(t -> t.getName().startsWith("delivery")));
        }
    }
}
