package io.mailseal.certs;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailseal.demo.DemoPki;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.Optional;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.junit.jupiter.api.Test;

/**
 * The key service's URL and what its answers mean, without a network (HttpKeyServiceIT has one).
 */
class HttpCertificateSourceTest {
    static final String TEMPLATE = "https://keys.bank.example/certs/{address}?v=1";
    final DemoPki pki = new DemoPki(Clock.systemUTC(), "http source test CA");
    final X509Certificate alice =
            pki.customer("alice@customer.example", DemoPki.KeyKind.RSA).certificate();
    final X509Certificate bob =
            pki.customer("bob@customer.example", DemoPki.KeyKind.EC).certificate();

    @Test
    void addressIsOnePercentEncodedPathSegment() {
        assertThat(HttpCertificateSource.url(TEMPLATE, "alice@customer.example"))
                .hasToString("https://keys.bank.example/certs/alice@customer.example?v=1");
        assertThat(HttpCertificateSource.url(TEMPLATE, "a+tag/../x?y#z%@b.example").getRawPath())
                .isEqualTo("/certs/a%2Btag%2F..%2Fx%3Fy%23z%25@b.example");
        assertThat(HttpCertificateSource.url(TEMPLATE, "\"a b\"@b.example").getRawPath())
                .isEqualTo("/certs/%22a%20b%22@b.example");
        assertThat(HttpCertificateSource.url(TEMPLATE, "jörg@b.example").getRawPath())
                .isEqualTo("/certs/j%C3%B6rg@b.example");
        assertThat(HttpCertificateSource.url(TEMPLATE, "a+tag/x@b.example").getPath())
                .isEqualTo("/certs/a+tag/x@b.example");
    }

    @Test
    void derAndPemWithSeveralCertificatesAreFound() throws Exception {
        assertThat(answer(200, "application/pkix-cert", alice.getEncoded()))
                .isEqualTo(new Lookup.Found(java.util.List.of(alice)));
        byte[] pem = pem(alice, bob);
        for (String type :
                new String[] {
                    "application/pem-certificate-chain",
                    "application/x-pem-file",
                    "text/plain; charset=us-ascii",
                    "Application/X-PEM-File"
                }) {
            assertThat(answer(200, type, pem))
                    .as(type)
                    .isEqualTo(new Lookup.Found(java.util.List.of(alice, bob)));
        }
    }

    @Test
    void notFoundOnlyFor404() {
        assertThat(answer(404, "text/html", "<h1>no</h1>".getBytes(StandardCharsets.US_ASCII)))
                .isInstanceOf(Lookup.NotFound.class);
        assertThat(answer(410, "text/plain", new byte[0])).isInstanceOf(Lookup.Unavailable.class);
    }

    @Test
    void outagesAndMisconfigurationsAreUnavailableWithAReason() throws Exception {
        assertThat(reason(answer(503, "text/plain", new byte[0])))
                .isEqualTo("HTTP 503 from the key service");
        assertThat(reason(answer(401, "text/plain", new byte[0])))
                .contains("HTTP 401")
                .contains("bearer-token-file");
        assertThat(reason(answer(403, null, new byte[0]))).contains("HTTP 403");
        assertThat(reason(answer(204, null, new byte[0]))).contains("unexpected HTTP 204");
        assertThat(
                        reason(
                                answer(
                                        200,
                                        "text/html; charset=utf-8",
                                        "<html>login</html>".getBytes(StandardCharsets.UTF_8))))
                .isEqualTo(
                        "HTTP 200 with Content-Type \"text/html\", which is not a certificate type");
        assertThat(reason(answer(200, null, alice.getEncoded()))).contains("Content-Type \"\"");
        assertThat(
                        reason(
                                answer(
                                        200,
                                        "application/x-pem-file",
                                        "garbage".getBytes(StandardCharsets.US_ASCII))))
                .startsWith("HTTP 200 body (application/x-pem-file) is not a readable certificate");
        assertThat(reason(answer(200, "application/pkix-cert", new byte[0])))
                .contains("not a readable certificate");
    }

    private static Lookup answer(int status, String type, byte[] body) {
        return HttpCertificateSource.answer(status, Optional.ofNullable(type), body);
    }

    private static String reason(Lookup l) {
        assertThat(l).isInstanceOf(Lookup.Unavailable.class);
        return ((Lookup.Unavailable) l).reason();
    }

    static byte[] pem(X509Certificate... certs) throws Exception {
        StringWriter s = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(s)) {
            for (X509Certificate c : certs) {
                w.writeObject(c);
            }
        }
        return s.toString().getBytes(StandardCharsets.US_ASCII);
    }
}
