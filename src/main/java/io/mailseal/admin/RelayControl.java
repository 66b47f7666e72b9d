package io.mailseal.admin;

import io.mailseal.certs.CertificateResolver;
import java.util.List;
import java.util.Map;

/** What the admin port asks of the running relay. */
public interface RelayControl {

    /** The certificate lookup in force (it changes with a reload). */
    CertificateResolver certificates();

    /** Why the relay is not ready to take mail, by check; empty when ready. */
    Map<String, String> readinessProblems();

    /**
     * The outbound URLs (TSA, OCSP, CRL, HTTP key service) skipped now after failures, each with
     * when its back-off ends; empty when none. They do not make the relay unready by themselves.
     */
    default Map<String, String> openCircuits() {
        return Map.of();
    }

    /**
     * The last {@code tls-checks} result per target (verdict and each check's severity), shown in
     * {@code /ready} for information: it never makes the relay unready.
     */
    default Map<String, Object> tlsChecks() {
        return Map.of();
    }

    /**
     * Drops the cached certificate answers (found or not found) for these addresses, so the next
     * message to each looks it up again (after {@code mailseal certs import}).
     */
    void forgetCertificates(List<String> addresses);

    /** Makes every queued message due now, outbound and inbound; how many of each. */
    Flushed flushQueue();

    /** What a flush made due: messages of the outbound spool and of the inbound one. */
    record Flushed(int outbound, int inbound) {
        /** {@code flushed} (both), {@code inbound}, {@code outbound}: the admin API's answer. */
        public java.util.SortedMap<String, Integer> fields() {
            return new java.util.TreeMap<>(
                    Map.of(
                            "flushed",
                            outbound + inbound,
                            "inbound",
                            inbound,
                            "outbound",
                            outbound));
        }
    }

    /** Re-reads relay.conf; the problems that kept it from being applied, empty when it was. */
    List<String> reload();
}
