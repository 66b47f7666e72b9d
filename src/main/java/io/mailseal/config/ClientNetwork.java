package io.mailseal.config;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** One entry of {@code smtp.allowed-clients}: an IPv4 or IPv6 network in CIDR form. */
public record ClientNetwork(byte[] network, int prefixLength, String text) {

    static ClientNetwork parse(String cidr) {
        int slash = cidr.indexOf('/');
        String addr = slash < 0 ? cidr : cidr.substring(0, slash);
        if (!addr.matches("[0-9a-fA-F.:]+")) {
            // literal addresses only: a host name here would mean a DNS lookup at start-up
            throw new IllegalArgumentException("is not an IP network (e.g. 10.0.0.0/8, ::1/128)");
        }
        byte[] bytes;
        try {
            bytes = InetAddress.getByName(addr).getAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("is not an IP network (e.g. 10.0.0.0/8, ::1/128)");
        }
        int bits = bytes.length * 8;
        int prefix;
        try {
            prefix = slash < 0 ? bits : Integer.parseInt(cidr.substring(slash + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("has a prefix length that is not a number");
        }
        if (prefix < 0 || prefix > bits) {
            throw new IllegalArgumentException("has a prefix length outside 0.." + bits);
        }
        return new ClientNetwork(bytes, prefix, cidr);
    }

    public boolean contains(InetAddress address) {
        byte[] a = address.getAddress();
        if (a.length != network.length) {
            return false;
        }
        int full = prefixLength / 8;
        for (int i = 0; i < full; i++) {
            if (a[i] != network[i]) {
                return false;
            }
        }
        int rest = prefixLength % 8;
        if (rest == 0) {
            return true;
        }
        int mask = 0xff << (8 - rest) & 0xff;
        return (a[full] & mask) == (network[full] & mask);
    }

    @Override
    public String toString() {
        return text;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ClientNetwork other && other.text.equals(text);
    }

    @Override
    public int hashCode() {
        return text.hashCode();
    }
}
