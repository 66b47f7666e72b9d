package io.mailseal.tlscheck;

import java.util.Collection;
import java.util.Locale;

/** How bad a finding is; {@code ok < warn < fail}. */
public enum Severity {
    OK,
    WARN,
    FAIL;

    /** The JSON and text name: {@code ok}, {@code warn}, {@code fail}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    static Severity worst(Collection<Severity> all) {
        return all.stream().max(Enum::compareTo).orElse(OK);
    }
}
