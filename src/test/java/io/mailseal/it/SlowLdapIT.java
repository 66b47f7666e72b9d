package io.mailseal.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.unboundid.ldap.listener.InMemoryDirectoryServer;
import com.unboundid.ldap.listener.InMemoryDirectoryServerConfig;
import com.unboundid.ldap.listener.InMemoryListenerConfig;
import com.unboundid.ldap.listener.interceptor.InMemoryInterceptedSearchEntry;
import com.unboundid.ldap.listener.interceptor.InMemoryOperationInterceptor;
import com.unboundid.ldap.sdk.Attribute;
import com.unboundid.ldap.sdk.Entry;
import io.mailseal.certs.LdapCertificateSource;
import io.mailseal.certs.Lookup;
import io.mailseal.config.CertificatesConfig.LdapSource;
import java.net.InetAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A directory that sends each entry just within the per-response timeout: without a total deadline
 * a lookup would take entries × pace; with one it is unavailable at the source's {@code timeout}.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS) // without a deadline these would hang, not fail
class SlowLdapIT {
    static final Duration PACE = Duration.ofMillis(800);
    static final Duration TIMEOUT = Duration.ofSeconds(1);

    @Test
    void entriesSentJustWithinTheResponseTimeoutAreCutAtTheLookupsDeadline() throws Exception {
        InMemoryDirectoryServerConfig cfg = new InMemoryDirectoryServerConfig("dc=bank,dc=example");
        cfg.setListenerConfigs(
                InMemoryListenerConfig.createLDAPConfig(
                        "ldap", InetAddress.getLoopbackAddress(), 0, null));
        cfg.addInMemoryOperationInterceptor(
                new InMemoryOperationInterceptor() {
                    @Override
                    public void processSearchEntry(InMemoryInterceptedSearchEntry entry) {
                        try {
                            Thread.sleep(PACE.toMillis()); // the directory's pace per entry
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                });
        InMemoryDirectoryServer ldap = new InMemoryDirectoryServer(cfg);
        ldap.add(
                new Entry(
                        "dc=bank,dc=example",
                        new Attribute("objectClass", "top", "domain"),
                        new Attribute("dc", "bank")));
        for (int i = 0; i < 6; i++) {
            ldap.add(
                    new Entry(
                            "uid=twin" + i + ",dc=bank,dc=example",
                            new Attribute("objectClass", "top", "person", "inetOrgPerson"),
                            new Attribute("uid", "twin" + i),
                            new Attribute("cn", "Twin"),
                            new Attribute("sn", "Twin"),
                            new Attribute("mail", "twin@customer.example")));
        }
        ldap.startListening();
        try (LdapCertificateSource source =
                new LdapCertificateSource(
                        new LdapSource(
                                List.of(URI.create("ldap://127.0.0.1:" + ldap.getListenPort())),
                                "dc=bank,dc=example",
                                "(mail={address})",
                                List.of("userSMIMECertificate;binary"),
                                Optional.empty(),
                                Optional.empty(),
                                TIMEOUT,
                                2))) {
            long start = System.nanoTime();
            Lookup l = source.lookup("twin@customer.example");
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertThat(l).isInstanceOf(Lookup.Unavailable.class);
            assertThat(((Lookup.Unavailable) l).reason())
                    .startsWith("LDAP [ldap://127.0.0.1:" + ldap.getListenPort() + "]")
                    .contains("no complete answer within 1000 ms");
            assertThat(took)
                    .as("not six entries at 800 ms each")
                    .isLessThan(Duration.ofMillis(2500));
        } finally {
            ldap.shutDown(true);
        }
    }
}
