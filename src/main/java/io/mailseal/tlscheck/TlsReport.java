package io.mailseal.tlscheck;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The findings for one server, in check order, and what they add up to. {@link #toMap()} is the
 * JSON shape documented in docs/TLS-CHECK.md (field names are stable).
 */
public record TlsReport(
        String target,
        String serverName,
        String address,
        Instant checkedAt,
        Instant certificateEnds,
        List<Finding> findings) {
    public TlsReport {
        findings = List.copyOf(findings);
    }

    public Severity verdict() {
        return Severity.worst(findings.stream().map(Finding::severity).toList());
    }

    /** 0 when nothing fails, 1 when something does. */
    public int exitCode() {
        return verdict() == Severity.FAIL ? 1 : 0;
    }

    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("target", target);
        m.put("serverName", serverName);
        m.put("address", address);
        m.put("checkedAt", checkedAt.toString());
        m.put("verdict", verdict().label());
        m.put("certificateNotAfter", certificateEnds.toString());
        m.put("findings", findings.stream().map(Finding::toMap).toList());
        return m;
    }

    /** The JSON of a check that could not run. */
    public static Map<String, Object> error(String target, Instant at, String why) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("target", target);
        m.put("checkedAt", at.toString());
        m.put("verdict", "error");
        m.put("error", why);
        return m;
    }
}
