package io.mailseal.tlscheck;

import java.net.IDN;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

/**
 * Does the server certificate name the host (RFC 6125 §6, as tightened by RFC 9525)? DNS names
 * compare case-insensitively as A-labels; a wildcard is a whole left-most label, matches exactly
 * one label and needs at least two labels after it; an address literal matches only an iPAddress
 * entry. The subject CN counts only when the certificate has no subjectAltName DNS or IP entry at
 * all, and then only with a warning (clients have stopped accepting it).
 */
final class HostnameCheck {
    private static final int DNS = 2;
    private static final int IP = 7;

    private HostnameCheck() {}

    static Finding check(X509Certificate leaf, String name) {
        Finding.Builder f = new Finding.Builder("hostname");
        boolean literal = name.matches("[0-9.]+") || name.contains(":");
        List<String> dns = new ArrayList<>();
        List<String> ips = new ArrayList<>();
        try {
            Collection<List<?>> sans = leaf.getSubjectAlternativeNames();
            for (List<?> san : sans == null ? List.<List<?>>of() : sans) {
                int type = (Integer) san.get(0);
                if (type == DNS) {
                    dns.add((String) san.get(1));
                } else if (type == IP) {
                    ips.add((String) san.get(1));
                }
            }
        } catch (CertificateParsingException e) {
            return f.problem(Severity.FAIL, "unreadable subjectAltName: " + e.getMessage())
                    .build("");
        }
        f.note("name checked: " + name);
        f.note("subjectAltName DNS: " + dns + ", IP: " + ips);
        boolean matched =
                literal
                        ? ips.stream().anyMatch(ip -> sameAddress(ip, name))
                        : dns.stream().anyMatch(pattern -> matches(pattern, name));
        if (matched) {
            return f.build(name + " matches the subjectAltName");
        }
        if (dns.isEmpty() && ips.isEmpty() && !literal) {
            String cn = commonName(leaf);
            if (cn != null && matches(cn, name)) {
                return f.problem(
                                Severity.WARN,
                                name
                                        + " matches only the subject CN \""
                                        + cn
                                        + "\", which "
                                        + "clients no longer accept (RFC 6125 §6.4.4)")
                        .build("");
            }
        }
        return f.problem(Severity.FAIL, name + " is not named by the certificate").build("");
    }

    static boolean matches(String pattern, String name) {
        String p = normal(pattern);
        String n = normal(name);
        if (p == null || n == null) {
            return false;
        }
        if (!p.startsWith("*.")) {
            return !p.contains("*") && p.equals(n);
        }
        String rest = p.substring(1); // ".example.com"
        if (rest.contains("*") || rest.chars().filter(c -> c == '.').count() < 2) {
            return false;
        }
        return n.endsWith(rest)
                && n.length() > rest.length()
                && n.indexOf('.') == n.length() - rest.length();
    }

    private static String normal(String name) {
        String s = name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
        try {
            return IDN.toASCII(s, IDN.ALLOW_UNASSIGNED).toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static boolean sameAddress(String san, String name) {
        try {
            // both are literals: no lookup happens
            return InetAddress.getByName(san).equals(InetAddress.getByName(name));
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static String commonName(X509Certificate leaf) {
        try {
            for (Rdn rdn : new LdapName(leaf.getSubjectX500Principal().getName()).getRdns()) {
                if (rdn.getType().equalsIgnoreCase("CN")) {
                    return rdn.getValue().toString();
                }
            }
        } catch (InvalidNameException e) {
            return null;
        }
        return null;
    }
}
