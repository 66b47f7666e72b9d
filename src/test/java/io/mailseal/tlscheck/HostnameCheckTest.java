package io.mailseal.tlscheck;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** RFC 6125 §6.4 name matching, with RFC 9525's narrower wildcards. */
class HostnameCheckTest {
    @ParameterizedTest(name = "{0} vs {1}: {2}")
    @CsvSource({
        "api.bank.example,    api.bank.example,     true",
        "API.Bank.Example.,   api.bank.example,     true",
        "*.bank.example,      api.bank.example,     true",
        "*.bank.example,      bank.example,         false",
        "*.bank.example,      a.b.bank.example,     false",
        "*.example,           bank.example,         false",
        "api.*.example,       api.bank.example,     false",
        "a*.bank.example,     api.bank.example,     false",
        "*.bank.example,      .bank.example,        false",
        "xn--bcher-kva.example, bücher.example,     true",
    })
    void matches(String pattern, String name, boolean expected) {
        assertThat(HostnameCheck.matches(pattern, name)).isEqualTo(expected);
    }
}
