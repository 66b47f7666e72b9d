package io.mailseal.delivery;

import java.util.List;

/** Where mail for one destination goes: hosts to try in order, or why it cannot go anywhere. */
public sealed interface Route {

    record Hosts(List<NextHop> hosts) implements Route {
        public Hosts {
            hosts = List.copyOf(hosts);
        }
    }

    /** No host: permanent (the domain does not exist, null MX) or temporary (DNS failed). */
    record Unroutable(DeliveryResult result) implements Route {}
}
