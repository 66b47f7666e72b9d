package io.mailseal.config;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * {@code smtp { ... }}: the intake listener and its limits; {@code section} is where relay.conf
 * gave them ({@code mailseal.smtp}, or {@code mailseal.inbound} for the second listener), for
 * problems that name the key.
 */
public record SmtpConfig(
        HostPort listen,
        String hostname,
        List<ClientNetwork> allowedClients,
        long maxMessageSize,
        int maxRecipients,
        Limits limits,
        Optional<Tls> tls,
        Optional<Path> authUsersFile,
        String section) {

    /**
     * What one client may ask of the intake. Lines and the header section are counted in octets
     * including their CRLF; timeouts are the longest silence the intake waits out, for a command
     * and inside DATA. {@code maxMimeDepth} (multipart and message/rfc822 levels), {@code
     * maxMimeParts} (entities below the message) and {@code maxMimeHeaderFields} (fields in one
     * entity's header section, whose size {@code maxHeaderSize} also bounds) limit the MIME of mail
     * that is to be signed or sealed. {@code memoryBudget}: bytes of message content all sessions
     * together may hold; {@code minDataRate}: bytes per second a client must keep up inside DATA
     * (after a grace period); {@code commandDeadline}: the longest one command line may take to
     * arrive, however it trickles.
     */
    public record Limits(
            int maxLineLength,
            long maxHeaderSize,
            int maxMessagesPerConnection,
            int maxConnections,
            int maxConnectionsPerClient,
            Duration commandTimeout,
            Duration dataTimeout,
            int maxMimeDepth,
            int maxMimeParts,
            int maxMimeHeaderFields,
            long memoryBudget,
            long minDataRate,
            Duration commandDeadline) {}

    /** STARTTLS with a PEM certificate chain and key; {@code require}: no MAIL before it. */
    public record Tls(Path certificate, Path key, boolean require) {}

    /**
     * The key {@code name} of this listener as operators write it in replies and logs: {@code
     * smtp.allowed-clients} for the outbound intake, {@code inbound.allowed-clients} for the
     * inbound one.
     */
    public String key(String name) {
        return section.substring(section.lastIndexOf('.') + 1) + "." + name;
    }

    public boolean allows(InetAddress client) {
        return allowedClients.stream().anyMatch(n -> n.contains(client));
    }
}
