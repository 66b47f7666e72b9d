package io.mailseal.testing;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** GET on a relay's admin port on loopback, answered within {@code timeout} or failing. */
public final class AdminPort {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private AdminPort() {}

    public static HttpResponse<String> get(int port, String path, Duration timeout)
            throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                        .timeout(timeout)
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
