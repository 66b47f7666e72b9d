package io.mailseal.app;

import io.mailseal.config.RelayConfig;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a reload reads but does not apply: the listeners, delivery, admin port and spool are set up
 * at start; a WARN tells the administrator that their edit waits for a restart.
 */
final class RestartOnlyChanges {
    private static final Logger log = LoggerFactory.getLogger(Relay.class);

    private RestartOnlyChanges() {}

    static void warn(RelayConfig old, RelayConfig next) {
        if (!next.smtp().equals(old.smtp())) {
            log.warn("relay.conf: changes to mailseal.smtp take effect only after a restart");
        }
        if (!next.delivery().equals(old.delivery())) {
            log.warn(
                    "relay.conf: changes to mailseal.delivery (delivery.tls included) take effect only after a"
                            + " restart; policies' delivery-tls take effect now");
        }
        if (!next.dns().equals(old.dns())
                && old.delivery().mode() == io.mailseal.config.DeliveryConfig.Mode.MX) {
            log.warn(
                    "relay.conf: changes to mailseal.dns take effect for MX routing only after a"
                            + " restart; SMIMEA lookups use them now");
        }
        if (!next.inbound()
                .map(i -> List.of(i.intake(), i.nextHop(), i.authservId()))
                .equals(old.inbound().map(i -> List.of(i.intake(), i.nextHop(), i.authservId())))) {
            log.warn(
                    "relay.conf: changes to mailseal.inbound take effect only after a restart, but"
                            + " for inbound.policies, which take effect now");
        }
        if (!next.store().equals(old.store())) {
            log.warn(
                    "relay.conf: changes to mailseal.store take effect only after a restart; the"
                            + " harvest stays where the running relay keeps it");
        }
        if (!next.adminListen().equals(old.adminListen())
                || !next.adminTokenFile().equals(old.adminTokenFile())
                || !next.spoolDirectory().equals(old.spoolDirectory())) {
            log.warn(
                    "relay.conf: changes to mailseal.admin and mailseal.spool take effect only after a restart");
        }
    }
}
