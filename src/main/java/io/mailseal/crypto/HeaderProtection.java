package io.mailseal.crypto;

import java.util.List;
import java.util.regex.Pattern;

/**
 * How a message's headers are protected (RFC 9788): {@code CLEAR} copies them inside the signature
 * (hp="clear") so tampering shows; {@code CIPHER} also moves them inside the encryption
 * (hp="cipher"), obscures the outer Subject and removes headers that would leak content (e.g. the
 * bank's X-* template headers). Names in {@code hidden} are globs.
 */
public record HeaderProtection(Mode mode, String outerSubject, List<Pattern> hidden) {

    public enum Mode {
        NONE,
        CLEAR,
        CIPHER
    }

    public static final HeaderProtection NONE = new HeaderProtection(Mode.NONE, "[...]", List.of());

    public HeaderProtection {
        hidden = List.copyOf(hidden);
    }

    boolean hides(String headerName) {
        return hidden.stream().anyMatch(p -> p.matcher(headerName).matches());
    }
}
