package io.mailseal.delivery;

import io.mailseal.config.DeliveryConfig;
import io.mailseal.config.HostPort;
import io.mailseal.dns.ValidatingDns;
import java.util.List;

/** Which recipients travel together, and to which hosts. */
public interface Router {

    /** Recipients with the same destination share one SMTP transaction. */
    String destination(String recipient);

    Route route(String destination);

    /** {@code dns} serves {@code mode = mx} only. */
    static Router of(DeliveryConfig config, ValidatingDns dns) {
        if (config.mode() == DeliveryConfig.Mode.MX) {
            return new MxRouter(dns, config.mxPort());
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
