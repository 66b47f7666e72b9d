package io.mailseal.tlscheck;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** The addresses a name resolves to, within a deadline (the JDK's resolver has none of its own). */
final class Addresses {
    private Addresses() {}

    static List<InetAddress> resolve(String host, Duration deadline) throws IOException {
        CompletableFuture<InetAddress[]> lookup =
                CompletableFuture.supplyAsync(
                        () -> {
                            try {
                                return InetAddress.getAllByName(host);
                            } catch (UnknownHostException e) {
                                throw new IllegalArgumentException(
                                        "\"" + host + "\" does not resolve", e);
                            }
                        });
        try {
            return Arrays.asList(lookup.get(deadline.toMillis(), TimeUnit.MILLISECONDS));
        } catch (TimeoutException e) {
            lookup.cancel(true);
            throw new IOException(
                    "resolving \"" + host + "\" took longer than " + deadline.toSeconds() + " s");
        } catch (ExecutionException e) {
            throw new IOException(e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while resolving \"" + host + "\"", e);
        }
    }
}
