package io.mailseal.cli;

import io.mailseal.certs.SigningIdentities;
import io.mailseal.config.ConfigLoader;
import io.mailseal.config.PolicyConfig;
import io.mailseal.config.RelayConfig;
import io.mailseal.config.ConfigException;
import io.mailseal.smtp.RelayComponents;
import java.util.List;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "check-config", description = "Validate relay.conf, open every keystore and trust anchor; exit 1 on any problem.")
final class CheckConfigCommand implements Callable<Integer> {
    @Option(names = {"-c", "--config"}, required = true, description = "relay.conf")
    Path config;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        RelayConfig c = ConfigLoader.load(config);
        RelayComponents components = RelayComponents.open(c, Clock.systemUTC());
        List<String> gaps = components.identityGaps();
        if (!gaps.isEmpty()) {
            throw new ConfigException(gaps);
        }
        String intake = io.mailseal.smtp.IntakeServer.check(c.smtp());
        SigningIdentities identities = components.identities();
        var out = spec.commandLine().getOut();
        out.printf("%s: ok%n", c.file());
        out.printf("  smtp.listen %s, allowed clients %s, max %d bytes, %d recipients%n", c.smtp().listen(),
                c.smtp().allowedClients(), c.smtp().maxMessageSize(), c.smtp().maxRecipients());
        out.printf("  %s%n", intake);
        out.printf("  %d signing identities, %d certificate sources, next hop %s (tls %s)%n",
                identities.all().size(), c.certificates().sources().size(), c.delivery().smarthost(),
                c.delivery().tls().name().toLowerCase());
        for (PolicyConfig p : c.policies()) {
            out.printf("  policy %-12s %-8s timestamp=%s on-missing-certificate=%s delivery-tls=%s%n", p.name(),
                    p.action().name().toLowerCase(), p.timestamp().name().toLowerCase().replace('_', '-'),
                    p.onMissingCertificate().name().toLowerCase().replace('_', '-'),
                    p.deliveryTls().orElse(c.delivery().tls()).name().toLowerCase());
        }
        return 0;
    }
}
