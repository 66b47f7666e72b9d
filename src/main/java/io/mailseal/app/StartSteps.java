package io.mailseal.app;

import io.mailseal.admin.AdminServer;
import io.mailseal.admin.RelayControl;
import io.mailseal.admin.RelayMetrics;
import io.mailseal.config.ConfigException;
import io.mailseal.config.HostPort;
import io.mailseal.config.RelayConfig;
import io.mailseal.smtp.IntakeServer;
import io.mailseal.spool.Spool;
import io.mailseal.spool.SpooledMessage;
import java.io.IOException;
import java.util.List;

/**
 * The steps of a start that touch the machine (the spool directory, the listeners), each turning
 * its failure into a one-line problem that names the key and the value, as a configuration error
 * does.
 */
final class StartSteps {
    private StartSteps() {}

    static Spool openSpool(RelayConfig config) {
        try {
            return new Spool(config.spoolDirectory());
        } catch (IOException e) {
            throw spoolProblem(config, e);
        }
    }

    static List<SpooledMessage> recover(Spool spool, RelayConfig config) {
        try {
            return spool.recover();
        } catch (IOException e) {
            throw spoolProblem(config, e);
        }
    }

    private static ConfigException spoolProblem(RelayConfig config, IOException e) {
        return new ConfigException(
                List.of(
                        "mailseal.spool.directory: \""
                                + config.spoolDirectory()
                                + "\" cannot be used: "
                                + Problems.reason(e)));
    }

    /**
     * SubEthaSMTP reports a port it cannot bind as a RuntimeException around the BindException;
     * {@code key} names the listener's setting.
     */
    static void listen(IntakeServer intake, String key, HostPort listen) {
        try {
            intake.start();
        } catch (RuntimeException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new ConfigException(
                    List.of(key + ": cannot serve on " + listen + ": " + cause.getMessage()));
        }
    }

    static AdminServer adminServer(
            RelayConfig config,
            RelayMetrics metrics,
            RelayControl relay,
            ValidatedConfig validated) {
        try {
            return new AdminServer(config.adminListen(), metrics, relay, validated.adminToken());
        } catch (IOException e) {
            throw new ConfigException(
                    List.of(
                            "mailseal.admin.listen: cannot serve on "
                                    + config.adminListen()
                                    + ": "
                                    + Problems.reason(e)));
        }
    }
}
