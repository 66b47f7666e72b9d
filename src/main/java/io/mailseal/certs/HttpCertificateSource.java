package io.mailseal.certs;

import io.mailseal.config.CertificatesConfig.HttpSource;
import io.mailseal.net.BoundedBody;
import io.mailseal.net.CircuitBreaker;
import io.mailseal.net.HttpDeadline;
import io.mailseal.text.PeerText;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.cert.CertificateException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Certificates from a key service: {@code GET url} with {@code {address}} percent-encoded as one
 * RFC 3986 path segment (§3.3: unreserved characters and '@' stay, every other UTF-8 byte becomes
 * %XX, so '+', '/' and '%' cannot change the path or the query).
 *
 * <p>200 with one of {@link #CERTIFICATE_TYPES} is Found (the body is PEM, one or more
 * certificates, or a DER certificate); 404 is NotFound. Everything else is Unavailable with the
 * reason: a 5xx, a timeout or a refused connection is an outage, and a 401, 403 or a login page
 * (text/html) is a misconfiguration — neither may look like "this customer has no certificate",
 * which would send every customer to SMS. The whole exchange, body included, is bounded by {@code
 * timeout}; a service that did not answer in time (or at all) is not asked again for the back-off
 * of its {@link CircuitBreaker} (keyed by scheme, host and port, not by address).
 */
public final class HttpCertificateSource implements CertificateSource {
    /** The content types a key service may answer with; a body of another type is refused. */
    static final Set<String> CERTIFICATE_TYPES =
            Set.of(
                    "application/pkix-cert", // RFC 2585 §4.1: one DER certificate
                    "application/pem-certificate-chain", // RFC 8555 §9.1: PEM, leaf first
                    "application/x-pem-file",
                    "text/plain", // PEM, one or more certificates
                    "application/x-x509-user-cert",
                    "application/x-x509-ca-cert",
                    "application/octet-stream"); // what web servers label .crt/.der/.pem files

    static final int MAX_BODY = 256 * 1024;
    private static final String ACCEPT =
            "application/pkix-cert, application/pem-certificate-chain, application/x-pem-file;q=0.9, text/plain;q=0.5";

    private final HttpSource config;
    private final Optional<String> token;
    private final HttpClient client;
    private final CircuitBreaker breaker;

    public HttpCertificateSource(HttpSource config, Optional<String> token) {
        this(config, token, new CircuitBreaker(java.time.Clock.systemUTC(), (url, b) -> {}));
    }

    /**
     * @param breaker skips the key service for its back-off after it did not answer in time
     */
    public HttpCertificateSource(
            HttpSource config, Optional<String> token, CircuitBreaker breaker) {
        this.config = config;
        this.token = token;
        this.breaker = breaker;
        // one client per source: it keeps connections to the key service open between lookups
        this.client =
                HttpClient.newBuilder()
                        .version(HttpClient.Version.HTTP_1_1)
                        .connectTimeout(config.timeout())
                        .followRedirects(HttpClient.Redirect.NORMAL)
                        .build();
    }

    /** Reads the token from {@code bearer-token-file}, when one is configured. */
    public static HttpCertificateSource open(HttpSource config, CircuitBreaker breaker)
            throws IOException {
        Optional<String> token = Optional.empty();
        if (config.tokenFile().isPresent()) {
            token =
                    Optional.of(
                            Files.readString(config.tokenFile().get(), StandardCharsets.UTF_8)
                                    .strip());
            if (token.get().isEmpty()) {
                throw new IOException(config.tokenFile().get() + " is empty");
            }
        }
        return new HttpCertificateSource(config, token, breaker);
    }

    @Override
    public String name() {
        return "http:" + config.url();
    }

    @Override
    public Lookup lookup(String address) {
        URI uri = url(config.url(), address);
        URI service = URI.create(uri.getScheme() + "://" + uri.getRawAuthority() + "/");
        HttpRequest.Builder request =
                HttpRequest.newBuilder(uri).timeout(config.timeout()).header("Accept", ACCEPT);
        token.ifPresent(
                t ->
                        request.header(
                                config.tokenHeader().orElse("Authorization"),
                                config.tokenHeader().isPresent() ? t : "Bearer " + t));
        if (!breaker.allows(service)) {
            return new Lookup.Unavailable(
                    uri.getHost()
                            + ": not asked, it did not answer recently (circuit open until "
                            + breaker.openUntil().get(service)
                            + ")");
        }
        try {
            HttpResponse<byte[]> response =
                    breaker.call(
                            service,
                            () ->
                                    HttpDeadline.send(
                                            client,
                                            request.build(),
                                            info -> new BoundedBody(MAX_BODY),
                                            config.timeout()));
            return answer(
                    response.statusCode(),
                    response.headers().firstValue("Content-Type"),
                    response.body());
        } catch (IOException e) {
            return new Lookup.Unavailable(uri.getHost() + ": " + HttpDeadline.describe(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Lookup.Unavailable(uri.getHost() + ": interrupted");
        }
    }

    /** What a key service's answer means; see the class comment. */
    static Lookup answer(int status, Optional<String> contentType, byte[] body) {
        if (status == 404) {
            return new Lookup.NotFound();
        }
        if (status >= 500) {
            return new Lookup.Unavailable("HTTP " + status + " from the key service");
        }
        if (status >= 400) {
            return new Lookup.Unavailable(
                    "HTTP "
                            + status
                            + ": the key service refused the request"
                            + " (check url and bearer-token-file)");
        }
        if (status != 200) {
            return new Lookup.Unavailable("unexpected HTTP " + status + " from the key service");
        }
        String type =
                contentType
                        .map(t -> t.split(";", 2)[0].strip().toLowerCase(Locale.ROOT))
                        .orElse("");
        if (!CERTIFICATE_TYPES.contains(type)) {
            return new Lookup.Unavailable(
                    "HTTP 200 with Content-Type \""
                            + PeerText.escape(type)
                            + "\", which is not a certificate type");
        }
        try {
            return new Lookup.Found(PemCertificates.parse(body, "the HTTP 200 body"));
        } catch (CertificateException e) {
            return new Lookup.Unavailable(
                    "HTTP 200 body ("
                            + type
                            + ") is not a readable certificate: "
                            + PeerText.escape(e.getMessage()));
        }
    }

    static URI url(String template, String address) {
        return URI.create(template.replace("{address}", pathSegment(address)));
    }

    private static String pathSegment(String address) {
        StringBuilder b = new StringBuilder();
        HexFormat hex = HexFormat.of().withUpperCase();
        for (byte x : address.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (x & 0xff);
            boolean unreserved =
                    c < 0x80 && (Character.isLetterOrDigit(c) || "-._~@".indexOf(c) >= 0);
            b.append(unreserved ? String.valueOf(c) : "%" + hex.toHexDigits(x));
        }
        return b.toString();
    }
}
