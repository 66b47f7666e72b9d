package io.mailseal.cli;

import io.mailseal.app.RelayAssembly;
import io.mailseal.app.SharedStore;
import io.mailseal.certs.RecipientCertificates;
import io.mailseal.certs.SigningIdentities;
import io.mailseal.config.RelayConfig;
import io.mailseal.inbound.InboundExplanation;
import io.mailseal.policy.MessageFacts;
import io.mailseal.seal.Explanation;
import io.mailseal.seal.SealingMetrics;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
        name = "explain",
        description =
                "Show which policy applies to each recipient and why, the certificate "
                        + "that would be used, and the SMTP reply that would be given.")
final class ExplainCommand implements Callable<Integer> {
    @Mixin ConfigFile config;

    @Option(
            names = "--from",
            description = "envelope sender (required but with --inbound, where it is the customer)")
    String from;

    @Option(
            names = "--inbound",
            description =
                    "explain mail to the bank on the inbound listener: its policy, decryption key"
                            + " and the reply plain mail gets")
    boolean inbound;

    @Option(names = "--to", required = true, description = "recipient (repeatable)")
    List<String> to;

    @Option(names = "--header", description = "header K=V (repeatable)")
    List<String> headers = new ArrayList<>();

    @Option(names = "--subject", description = "Subject header")
    String subject;

    @Option(names = "--header-from", description = "address in the From header (default: --from)")
    String headerFrom;

    @Spec CommandSpec spec;

    @Override
    public Integer call() {
        if (from == null && !inbound) {
            throw new picocli.CommandLine.ParameterException(
                    spec.commandLine(), "Missing required option: '--from=<from>'");
        }
        if (from == null) {
            from = "";
        }
        Map<String, List<String>> h = new HashMap<>();
        for (String kv : headers) {
            int eq = kv.indexOf('=');
            if (eq <= 0) {
                throw new picocli.CommandLine.ParameterException(
                        spec.commandLine(), "--header wants K=V: " + kv);
            }
            h.computeIfAbsent(
                            kv.substring(0, eq).strip().toLowerCase(Locale.ROOT),
                            k -> new ArrayList<>())
                    .add(kv.substring(eq + 1));
        }
        if (subject != null) {
            h.put("subject", List.of(subject));
        }
        MessageFacts facts =
                new MessageFacts(
                        from,
                        headerFrom == null && from.isEmpty()
                                ? List.of()
                                : List.of(headerFrom == null ? from : headerFrom),
                        h);
        RelayConfig c = config.load();
        if (inbound) {
            if (c.inbound().isEmpty()) {
                spec.commandLine().getErr().println(config.path + ": has no mailseal.inbound");
                return 1;
            }
            new InboundExplanation(
                            c.inbound().get(),
                            SigningIdentities.open(c.identities(), Clock.systemUTC(), t -> {}))
                    .print(facts, to, spec.commandLine().getOut());
            spec.commandLine().getOut().flush();
            return 0;
        }
        // only what the decision needs: policies, certificate sources and the signing identities
        SigningIdentities identities =
                SigningIdentities.open(c.identities(), Clock.systemUTC(), token -> {});
        try (SharedStore shared = SharedStore.forCommand(c, Clock.systemUTC());
                RecipientCertificates certificates =
                        RelayAssembly.recipientCertificates(c, Clock.systemUTC(), shared)) {
            new Explanation(
                            RelayAssembly.planner(
                                    c,
                                    certificates,
                                    SealingMetrics.NONE,
                                    shared.harvest(c.certificates())),
                            identities)
                    .print(facts, to, spec.commandLine().getOut());
        }
        spec.commandLine().getOut().flush();
        return 0;
    }
}
