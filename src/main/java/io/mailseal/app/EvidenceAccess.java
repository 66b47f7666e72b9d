package io.mailseal.app;

import io.mailseal.config.RelayConfig;
import io.mailseal.evidence.DailyFiles;
import io.mailseal.evidence.EvidenceCertificates;
import io.mailseal.evidence.EvidenceStore;
import io.mailseal.store.Database;
import io.mailseal.store.PostgresCertificates;
import io.mailseal.store.PostgresEvidence;
import java.io.IOException;
import java.nio.file.Files;
import java.util.Optional;

/**
 * The evidence journal as {@code mailseal evidence} reads it, beside a running relay: the embedded
 * files of {@code evidence.directory}, or with {@code store.type = postgresql} a node's chain in
 * the shared database — this node's ({@code store.node}) unless another is named.
 */
public final class EvidenceAccess implements AutoCloseable {
    private final EvidenceStore store;
    private final EvidenceCertificates certificates;
    private final Optional<Database> database;

    private EvidenceAccess(
            EvidenceStore store, EvidenceCertificates certificates, Optional<Database> database) {
        this.store = store;
        this.certificates = certificates;
        this.database = database;
    }

    /** Opens the journal {@code config} names; {@code node}: another node's chain. */
    public static EvidenceAccess open(RelayConfig config, Optional<String> node)
            throws IOException {
        if (config.store().shared()) {
            Database db = SharedStore.database(config.store());
            return new EvidenceAccess(
                    new PostgresEvidence(db, node.orElse(db.node())),
                    new PostgresCertificates(db),
                    Optional.of(db));
        }
        if (node.isPresent()) {
            throw new IOException(
                    "--node names a node of a shared store, and mailseal.store.type is embedded");
        }
        if (!Files.isDirectory(config.evidence().directory().resolve("journal"))) {
            throw new IOException(
                    "no evidence journal at "
                            + config.evidence().directory()
                            + " (mailseal.evidence.directory)");
        }
        return new EvidenceAccess(
                new DailyFiles(config.evidence().directory()),
                EvidenceCertificates.inDirectory(config.evidence().directory()),
                Optional.empty());
    }

    public EvidenceStore store() {
        return store;
    }

    /** Where the certificates the records name are kept. */
    public EvidenceCertificates certificates() {
        return certificates;
    }

    @Override
    public void close() throws IOException {
        try {
            store.close();
        } finally {
            database.ifPresent(Database::close);
        }
    }
}
