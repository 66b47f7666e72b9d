package io.mailseal.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class HangupSignalTest {
    @Test
    void aSighupToThisProcessRunsTheAction() throws Exception {
        CountDownLatch hangups = new CountDownLatch(1);
        HangupSignal.onHangup(hangups::countDown);
        Process kill =
                new ProcessBuilder("kill", "-HUP", Long.toString(ProcessHandle.current().pid()))
                        .inheritIO()
                        .start();
        assertThat(kill.waitFor()).isZero();
        assertThat(hangups.await(10, TimeUnit.SECONDS)).isTrue();
    }
}
