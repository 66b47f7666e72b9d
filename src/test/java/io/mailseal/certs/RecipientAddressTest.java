package io.mailseal.certs;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RecipientAddressTest {
    @Test
    void mailboxesWithADomainNameAreWellFormed() {
        for (String a :
                new String[] {
                    "alice@customer.example",
                    "a+tag@customer.example",
                    "o'brien@x.example",
                    "first.last@sub.customer.example",
                    "a/b=c@x.example",
                    "\"john doe\"@x.example",
                    "jörg@bücher.example",
                    "x@a-b.example",
                    "x".repeat(64) + "@x.example"
                }) {
            assertThat(RecipientAddress.isWellFormed(a)).as(a).isTrue();
        }
    }

    @Test
    void everythingElseIsNot() {
        for (String a :
                new String[] {
                    "",
                    "alice",
                    "@customer.example",
                    "alice@",
                    "alice@localhost",
                    "a@@x.example",
                    "a b@x.example",
                    ".a@x.example",
                    "a.@x.example",
                    "a..b@x.example",
                    "a@-x.example",
                    "a@x-.example",
                    "a@x..example",
                    "a@[127.0.0.1]",
                    "<a@x.example>",
                    "a@x.example\r\nRCPT TO:<b@y.example>",
                    "\"unclosed@x.example",
                    "x".repeat(65) + "@x.example",
                    "a@" + "l".repeat(64) + ".example",
                    "a@" + "label.".repeat(50) + "example"
                }) {
            assertThat(RecipientAddress.isWellFormed(a)).as(a).isFalse();
        }
    }
}
