package io.mailseal.net;

import io.mailseal.text.PeerText;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One HTTP exchange within a total deadline, body included. {@link HttpRequest#timeout} stops at
 * the response headers, so a server that sends its body one byte a second would hold the caller for
 * as long as it likes; here the exchange is cancelled when the deadline passes (cancelling the
 * future aborts the exchange and closes its connection since JDK 16).
 */
public final class HttpDeadline {
    private HttpDeadline() {}

    /**
     * The response, or an {@link IOException} saying why (the caller names the URL): {@link
     * HttpTimeoutException} when the deadline passed, otherwise the cause the client gave (never a
     * bare "null").
     */
    public static <T> HttpResponse<T> send(
            HttpClient client,
            HttpRequest request,
            HttpResponse.BodyHandler<T> body,
            Duration deadline)
            throws IOException, InterruptedException {
        long end = System.nanoTime() + deadline.toNanos();
        // the first exchange of a client can take a while to start (threads, classes): it counts
        CompletableFuture<HttpResponse<T>> exchange = client.sendAsync(request, body);
        try {
            return exchange.get(Math.max(1, end - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            exchange.cancel(true);
            throw timedOut(deadline);
        } catch (InterruptedException e) {
            exchange.cancel(true);
            throw e;
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            if (cause instanceof HttpTimeoutException) {
                throw timedOut(deadline);
            }
            throw new IOException(message(cause), cause);
        }
    }

    /** {@code url} for a log line or a report: a user-info part (a password) replaced by ***. */
    public static String redact(java.net.URI url) {
        return url.getRawUserInfo() == null
                ? url.toString()
                : url.toString().replace(url.getRawUserInfo() + "@", "***@");
    }

    /**
     * What went wrong, with the class name when the exception has no message; escaped ({@link
     * PeerText}), since the text may be the server's (a TSA's status text, an error page).
     */
    public static String describe(Throwable t) {
        return PeerText.escape(message(t));
    }

    private static String message(Throwable t) {
        String message = t.getMessage();
        return message == null || message.isBlank() ? t.getClass().getName() : message;
    }

    private static HttpTimeoutException timedOut(Duration deadline) {
        return new HttpTimeoutException("did not answer within " + deadline.toMillis() + " ms");
    }
}
