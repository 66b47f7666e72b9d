package io.mailseal.inbound;

import java.util.List;
import java.util.Locale;

/**
 * The {@code smime} method's results (RFC 7281 §3.1, RFC 8601 §2.7): the one table of what each
 * means here.
 */
public enum SmimeResult {
    /** Signed; the signature verifies and the signer is trusted and names the From address. */
    PASS,
    /** Signed, but the signature does not verify or the signer is not to be believed. */
    FAIL,
    /** Signed, and nothing could be concluded (not used by mailseal's own checks). */
    NEUTRAL,
    /** Not signed. */
    NONE,
    /** The signer's status cannot be learnt now (revocation unreachable under hard-fail). */
    TEMPERROR,
    /** It cannot be opened: encrypted to no key the bank holds, or malformed S/MIME. */
    PERMERROR;

    public String token() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The result that speaks for a whole message: the best of its signatures. */
    static SmimeResult overall(List<SmimeResult> results) {
        for (SmimeResult r : List.of(PASS, TEMPERROR, FAIL, NEUTRAL, PERMERROR)) {
            if (results.contains(r)) {
                return r;
            }
        }
        return NONE;
    }
}
