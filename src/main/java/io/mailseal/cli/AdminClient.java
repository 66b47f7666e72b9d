package io.mailseal.cli;

import io.mailseal.config.RelayConfig;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Optional;

/**
 * Asks the running relay over its admin port ({@code admin.listen}, with {@code admin.token-file}).
 */
final class AdminClient {
    private final RelayConfig config;

    AdminClient(RelayConfig config) {
        this.config = config;
    }

    /** The reply to a POST of {@code path}, or empty when no relay answers there. */
    Optional<HttpResponse<String>> post(String path, String accept, Duration timeout)
            throws IOException, InterruptedException {
        if (config.adminListen().port() == 0) {
            return Optional.empty(); // any free port: no client can find it
        }
        String host =
                config.adminListen().host().equals("0.0.0.0")
                                || config.adminListen().host().equals("::")
                        ? "127.0.0.1"
                        : config.adminListen().host();
        URI uri =
                URI.create(
                        "http://"
                                + (host.contains(":") ? "[" + host + "]" : host)
                                + ":"
                                + config.adminListen().port()
                                + path);
        HttpRequest.Builder request =
                HttpRequest.newBuilder(uri)
                        .timeout(timeout)
                        .header("Accept", accept)
                        .POST(HttpRequest.BodyPublishers.noBody());
        if (config.adminTokenFile().isPresent()) {
            request.header(
                    "Authorization",
                    "Bearer " + Files.readString(config.adminTokenFile().get()).strip());
        }
        try {
            return Optional.of(
                    HttpClient.newHttpClient()
                            .send(request.build(), HttpResponse.BodyHandlers.ofString()));
        } catch (ConnectException e) {
            return Optional.empty();
        }
    }

    String listen() {
        return config.adminListen().toString();
    }
}
