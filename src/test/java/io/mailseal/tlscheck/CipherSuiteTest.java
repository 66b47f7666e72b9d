package io.mailseal.tlscheck;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The verdict on each kind of accepted suite, by IANA code point: in particular those Debian 12's
 * OpenSSL cannot serve (3DES, RC4, EXPORT, DES), which TlsCheckIT therefore cannot show.
 */
class CipherSuiteTest {
    @ParameterizedTest(name = "{0} under {1}: {2}")
    @CsvSource({
        "000A, TLS1_2, fail, 3DES",
        "C012, TLS1_2, fail, 3DES",
        "0005, TLS1_2, fail, RC4",
        "C011, TLS1_2, fail, RC4",
        "0003, TLS1_2, fail, export-grade",
        "0014, TLS1_2, fail, export-grade",
        "0009, TLS1_2, fail, DES/RC2",
        "0002, TLS1_2, fail, NULL",
        "C018, TLS1_2, fail, anonymous",
        "C013, TLS1_0, fail, CBC with TLSv1.0",
        "002F, TLS1_2, warn, no forward secrecy",
        "C013, TLS1_2, warn, 'CBC, not AEAD'",
        "C02F, TLS1_2, ok, ",
        "1301, TLS1_3, ok, ",
    })
    void eachSuiteIsJudged(String hex, Protocol protocol, String severity, String why) {
        CipherSuite s = CipherSuite.of(Integer.parseInt(hex, 16));
        assertThat(s.name()).doesNotStartWith("0x");
        assertThat(s.weakness(protocol).map(w -> w.severity().label()).orElse("ok"))
                .isEqualTo(severity);
        if (why != null) {
            assertThat(s.weakness(protocol).orElseThrow().why()).contains(why);
        }
    }
}
