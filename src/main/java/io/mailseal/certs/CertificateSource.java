package io.mailseal.certs;

/** A place recipient certificates come from (relay.conf {@code certificates.sources}). */
public interface CertificateSource {
    String name();

    Lookup lookup(String address);
}
