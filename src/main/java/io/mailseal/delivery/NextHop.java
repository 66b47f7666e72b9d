package io.mailseal.delivery;

import java.util.Optional;

/**
 * One host to try: {@code address} is what is connected to, {@code name} what its TLS certificate
 * must be issued for (the smarthost or MX host name — RFC 7672 §3.2.2 is DANE's rule; without DANE
 * the MX name is the best a sender can check).
 *
 * @param secure the MX records that named it and its address records were DNSSEC secure: only then
 *     are its TLSA records looked up (RFC 7672 §2.2)
 * @param sts the MTA-STS policy (RFC 8461) of the recipient domain this MX host serves, if any
 */
public record NextHop(
        String name, String address, int port, boolean secure, Optional<StsPolicy> sts) {

    /** A host not found by DNSSEC-secure DNS (the smarthost, an insecure MX). */
    public NextHop(String name, String address, int port) {
        this(name, address, port, false);
    }

    /** A host of a domain without an MTA-STS policy. */
    public NextHop(String name, String address, int port, boolean secure) {
        this(name, address, port, secure, Optional.empty());
    }

    /** This host under its domain's MTA-STS {@code policy}. */
    NextHop under(StsPolicy policy) {
        return new NextHop(name, address, port, secure, Optional.of(policy));
    }

    @Override
    public String toString() {
        return name.equals(address) ? name + ":" + port : name + "[" + address + "]:" + port;
    }
}
