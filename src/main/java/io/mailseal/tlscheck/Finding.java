package io.mailseal.tlscheck;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The verdict of one check: its name ({@code hostname}, {@code chain}, {@code revocation}, {@code
 * expiry}, {@code protocols}, {@code pins}), a severity, one line saying why, and the evidence (one
 * line each, each problem prefixed with its own severity).
 */
public record Finding(String check, Severity severity, String summary, List<String> evidence) {
    public Finding {
        evidence = List.copyOf(evidence);
    }

    /** Builds a finding from problems (each with its severity) and neutral evidence lines. */
    static final class Builder {
        private final String check;
        private final List<String> evidence = new ArrayList<>();
        private Severity severity = Severity.OK;
        private String firstProblem;

        Builder(String check) {
            this.check = check;
        }

        Builder note(String line) {
            evidence.add(line);
            return this;
        }

        Builder problem(Severity s, String line) {
            evidence.add(s.label() + ": " + line);
            if (s.compareTo(severity) > 0) {
                severity = s;
                firstProblem = line;
            }
            return this;
        }

        Finding build(String okSummary) {
            return new Finding(
                    check, severity, severity == Severity.OK ? okSummary : firstProblem, evidence);
        }
    }

    Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("check", check);
        m.put("severity", severity.label());
        m.put("summary", summary);
        m.put("evidence", evidence);
        return m;
    }
}
