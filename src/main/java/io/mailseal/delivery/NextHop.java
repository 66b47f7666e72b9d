package io.mailseal.delivery;

/**
 * One host to try: {@code address} is what is connected to, {@code name} what its TLS certificate
 * must be issued for (the smarthost or MX host name — RFC 7672 §3.2.2 is DANE's rule; without DANE
 * the MX name is the best a sender can check).
 *
 * @param secure the MX records that named it and its address records were DNSSEC secure: only then
 *     are its TLSA records looked up (RFC 7672 §2.2)
 */
public record NextHop(String name, String address, int port, boolean secure) {

    /** A host not found by DNSSEC-secure DNS (the smarthost, an insecure MX). */
    public NextHop(String name, String address, int port) {
        this(name, address, port, false);
    }

    @Override
    public String toString() {
        return name.equals(address) ? name + ":" + port : name + "[" + address + "]:" + port;
    }
}
