package io.mailseal.config;

import java.net.InetAddress;
import java.util.List;

/** {@code smtp { ... }}: the intake listener and its limits. */
public record SmtpConfig(HostPort listen, String hostname, List<ClientNetwork> allowedClients,
                         long maxMessageSize, int maxRecipients) {

    public boolean allows(InetAddress client) {
        return allowedClients.stream().anyMatch(n -> n.contains(client));
    }
}
