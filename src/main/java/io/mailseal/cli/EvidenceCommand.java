package io.mailseal.cli;

import io.mailseal.app.EvidenceAccess;
import io.mailseal.certs.TrustAnchors;
import io.mailseal.config.ConfigException;
import io.mailseal.config.RelayConfig;
import io.mailseal.crypto.TimestampVerifier;
import io.mailseal.evidence.ChainCheck;
import io.mailseal.evidence.EvidenceQuery;
import io.mailseal.evidence.ProofBundle;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * The evidence journal for an auditor: find records, verify the chain and its tokens, export the
 * proof of one message. Reads {@code evidence.directory}, or this node's (or {@code --node}'s)
 * chain in the shared store, beside a running relay (records are only ever appended), never writes
 * it.
 */
@Command(name = "evidence", description = "Find, verify or export evidence journal records.")
final class EvidenceCommand {
    @Mixin ConfigFile config;

    @Spec CommandSpec spec;

    @Option(
            names = "--node",
            paramLabel = "NAME",
            scope = ScopeType.INHERIT,
            description =
                    "With a shared store (store.type = postgresql): another node's chain (default:"
                            + " this node's, store.node)")
    Optional<String> node = Optional.empty();

    @Command(
            name = "find",
            mixinStandardHelpOptions = true,
            description = "One line per outcome record: time, outcome, queue id, envelope, hop.")
    int find(
            @Option(names = "--message-id", paramLabel = "ID") Optional<String> messageId,
            @Option(names = "--to", paramLabel = "ADDRESS") Optional<String> to,
            @Option(names = "--since", paramLabel = "T", description = "ISO-8601 instant")
                    Optional<Instant> since,
            @Option(names = "--until", paramLabel = "T", description = "ISO-8601 instant")
                    Optional<Instant> until)
            throws IOException {
        List<Map<String, String>> found;
        try (EvidenceAccess journal = EvidenceAccess.open(config.load(), node)) {
            found =
                    new EvidenceQuery(journal.store())
                            .find(new EvidenceQuery.Criteria(messageId, to, since, until));
        }
        PrintWriter out = spec.commandLine().getOut();
        for (Map<String, String> r : found) {
            out.printf(
                    "%s %s %-10s %s %s <%s> -> <%s> policy=%s sha256=%s%s%n",
                    r.get("seq"),
                    r.get("time"),
                    r.get("outcome"),
                    r.get("queue_id"),
                    r.getOrDefault("message_id", "-"),
                    r.getOrDefault("from", ""),
                    r.get("to"),
                    r.getOrDefault("policy", "-"),
                    r.getOrDefault("sha256", "-"),
                    r.containsKey("reply")
                            ? " hop=" + r.getOrDefault("next_hop", "-") + " reply=" + r.get("reply")
                            : "");
        }
        out.printf("%d record(s)%n", found.size());
        return 0;
    }

    @Command(
            name = "verify",
            mixinStandardHelpOptions = true,
            description =
                    "Walk the chain, check every anchor and message timestamp token; exit 1 naming"
                            + " the first broken position.")
    int verify(
            @Option(names = "--since", paramLabel = "T", description = "ISO-8601 instant")
                    Optional<Instant> since)
            throws IOException {
        RelayConfig c = config.load();
        ChainCheck.Result r;
        try (EvidenceAccess journal = EvidenceAccess.open(c, node)) {
            r =
                    new ChainCheck(journal.store(), new TimestampVerifier(tsaAnchors(c)))
                            .verify(
                                    since.map(s -> LocalDate.ofInstant(s, ZoneOffset.UTC))
                                            .orElse(null));
        }
        PrintWriter out = spec.commandLine().getOut();
        if (r.broken().isPresent()) {
            out.printf("BROKEN at %s%n", r.broken().get());
            return 1;
        }
        out.printf(
                "chain OK: %d record(s) from position %d, %d anchor(s) verified, %d record(s) after"
                        + " the last anchor (proven once the next anchor is made)%n",
                r.records(), r.firstPosition(), r.anchors(), r.unanchored());
        return 0;
    }

    @Command(
            name = "export",
            mixinStandardHelpOptions = true,
            description = "A zip that proves one message's records with openssl alone.")
    int export(
            @Option(names = "--message-id", required = true, paramLabel = "ID") String messageId,
            @Option(
                            names = {"-o", "--output"},
                            required = true,
                            paramLabel = "FILE")
                    Path output)
            throws IOException {
        RelayConfig c = config.load();
        try (EvidenceAccess journal = EvidenceAccess.open(c, node)) {
            new ProofBundle(journal.store(), journal.certificates())
                    .export(messageId, tsaFiles(c), output);
        }
        spec.commandLine().getOut().printf("wrote %s; see README.txt inside%n", output);
        return 0;
    }

    private static java.util.Set<java.security.cert.TrustAnchor> tsaAnchors(RelayConfig c) {
        return TrustAnchors.load("mailseal.timestamp.trust-anchors", tsaPath(c));
    }

    private static List<Path> tsaFiles(RelayConfig c) {
        return TrustAnchors.files("mailseal.timestamp.trust-anchors", tsaPath(c));
    }

    private static Path tsaPath(RelayConfig c) {
        return c.timestamp()
                .trustAnchors()
                .orElseThrow(
                        () ->
                                new ConfigException(
                                        List.of(
                                                "mailseal.timestamp.trust-anchors: is missing;"
                                                        + " evidence tokens cannot be verified"
                                                        + " without the TSA's CA")));
    }
}
