package io.mailseal.delivery;

import io.mailseal.config.DeliveryConfig;
import io.mailseal.config.HostPort;
import java.util.List;

/** Which recipients travel together, and to which hosts. */
public interface Router {

    /** Recipients with the same destination share one SMTP transaction. */
    String destination(String recipient);

    Route route(String destination);

    static Router of(DeliveryConfig config) {
        if (config.mode() == DeliveryConfig.Mode.MX) {
            return new MxRouter(config.dnsServers(), config.mxPort(), config.timeout());
        }
        HostPort smarthost = config.smarthost();
        Route only =
                new Route.Hosts(
                        List.of(new NextHop(smarthost.host(), smarthost.host(), smarthost.port())));
        return new Router() {
            @Override
            public String destination(String recipient) {
                return "smarthost";
            }

            @Override
            public Route route(String destination) {
                return only;
            }
        };
    }
}
