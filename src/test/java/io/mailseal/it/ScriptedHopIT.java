package io.mailseal.it;

import io.mailseal.config.DeliveryConfig;
import io.mailseal.demo.CaptureSink;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * A {@link DeliveryRig} whose smarthost is a {@link CaptureSink} a test scripts (failures per verb
 * and per recipient), without TLS.
 */
abstract class ScriptedHopIT {
    @TempDir Path dir;
    CaptureSink sink;
    DeliveryRig rig;

    @BeforeEach
    void start() throws Exception {
        sink = new CaptureSink(Optional.empty());
        rig =
                new DeliveryRig(
                        dir,
                        DeliveryRig.smarthost(sink.port(), DeliveryConfig.TlsLevel.NONE),
                        Optional.empty());
    }

    @AfterEach
    void stop() {
        rig.close();
        sink.close();
    }
}
