package io.mailseal.certs;

import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * Is this a mailbox we could look a certificate up for? RFC 5321 §4.1.2 Mailbox with a domain name
 * (no address literals): a dot-string of RFC 5322 atext or a quoted string, '@', two or more LDH
 * labels; UTF-8 letters allowed as in RFC 6531. Lengths per RFC 5321 §4.5.3.1: local part 64
 * octets, domain 255, path 256 (so 254 for the address).
 */
public final class RecipientAddress {
    private static final String ATEXT = "[\\p{L}\\p{N}!#$%&'*+/=?^_`{|}~-]";
    private static final Pattern LOCAL =
            Pattern.compile(
                    ATEXT
                            + "+(\\."
                            + ATEXT
                            + "+)*"
                            + "|\"([\\x20\\x21\\x23-\\x5b\\x5d-\\x7e\\P{ASCII}]|\\\\[\\x20-\\x7e])*\"");
    private static final String LABEL = "[\\p{L}\\p{N}]([\\p{L}\\p{N}-]{0,61}[\\p{L}\\p{N}])?";
    private static final Pattern DOMAIN = Pattern.compile(LABEL + "(\\." + LABEL + ")+");

    private RecipientAddress() {}

    public static boolean isWellFormed(String address) {
        int at = address.lastIndexOf('@');
        if (at <= 0 || utf8Length(address) > 254) {
            return false;
        }
        String local = address.substring(0, at);
        String domain = address.substring(at + 1);
        return utf8Length(local) <= 64
                && LOCAL.matcher(local).matches()
                && DOMAIN.matcher(domain).matches();
    }

    private static int utf8Length(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }
}
