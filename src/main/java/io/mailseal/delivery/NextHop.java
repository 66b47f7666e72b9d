package io.mailseal.delivery;

/**
 * One host to try: {@code address} is what is connected to, {@code name} what its TLS certificate
 * must be issued for (the smarthost or MX host name — RFC 7672 §3.2.2 is DANE's rule; without DANE
 * the MX name is the best a sender can check).
 */
public record NextHop(String name, String address, int port) {

    @Override
    public String toString() {
        return name.equals(address) ? name + ":" + port : name + "[" + address + "]:" + port;
    }
}
