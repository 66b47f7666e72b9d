package io.mailseal.certs;

import java.security.cert.X509Certificate;
import java.util.List;

/** What one certificate source answered for one address. An outage is never "not found". */
public sealed interface Lookup {

    record Found(List<X509Certificate> certificates) implements Lookup {
        public Found {
            certificates = List.copyOf(certificates);
        }
    }

    record NotFound() implements Lookup {}

    record Unavailable(String reason) implements Lookup {}
}
