package io.mailseal.store;

import io.mailseal.evidence.EvidenceCertificates;
import java.io.IOException;
import java.security.cert.X509Certificate;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The certificates evidence records name, in the shared database's {@code evidence_certificate}
 * table: one row per fingerprint for every node, so any node's {@code evidence export} finds the
 * certificates of another node's records. Written before the records that name them (as the files
 * are), once per certificate and process.
 */
public final class PostgresCertificates implements EvidenceCertificates {
    private final Database db;
    private final Set<String> known = ConcurrentHashMap.newKeySet();

    public PostgresCertificates(Database db) {
        this.db = db;
    }

    @Override
    public void keep(X509Certificate certificate) throws IOException {
        String fingerprint = EvidenceCertificates.fingerprint(certificate);
        if (known.contains(fingerprint)) {
            return;
        }
        String pem = EvidenceCertificates.pem(certificate);
        try {
            db.run(
                    c -> {
                        try (PreparedStatement s =
                                c.prepareStatement(
                                        "INSERT INTO evidence_certificate (fingerprint, pem)"
                                                + " VALUES (?, ?) ON CONFLICT DO NOTHING")) {
                            s.setString(1, fingerprint);
                            s.setString(2, pem);
                            return s.executeUpdate();
                        }
                    });
        } catch (SQLException e) {
            throw new IOException("evidence certificate not kept in the shared store: " + e, e);
        }
        known.add(fingerprint);
    }

    @Override
    public Optional<String> pem(String fingerprint) throws IOException {
        try {
            return db.run(
                    c -> {
                        try (PreparedStatement s =
                                c.prepareStatement(
                                        "SELECT pem FROM evidence_certificate"
                                                + " WHERE fingerprint = ?")) {
                            s.setString(1, fingerprint);
                            try (ResultSet r = s.executeQuery()) {
                                return r.next() ? Optional.of(r.getString(1)) : Optional.empty();
                            }
                        }
                    });
        } catch (SQLException e) {
            throw new IOException("the shared store does not answer: " + e, e);
        }
    }
}
