package io.mailseal.cli;

import io.mailseal.app.Relay;
import java.time.Clock;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(
        name = "run",
        description =
                "Run the relay until stopped (SIGTERM); SIGHUP or `mailseal reload` re-reads relay.conf.")
final class RunCommand implements Callable<Integer> {
    @Mixin ConfigFile config;

    @Override
    public Integer call() throws InterruptedException {
        Relay relay = Relay.start(config.load(), Clock.systemUTC());
        // SIGHUP reloads, as every MTA does (sun.misc.Signal is the JDK's supported way); never a
        // file
        // watch: an administrator's half-saved edit must not change what runs
        HangupSignal.onHangup(relay::reload);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(
                        new Thread(
                                () -> {
                                    relay.close();
                                    stopped.countDown();
                                },
                                "mailseal-shutdown"));
        stopped.await();
        return 0;
    }
}
