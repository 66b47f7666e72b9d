package io.mailseal.certs;

/** The harvest store as one of {@code certificates.sources}, whichever store keeps it. */
public final class HarvestCertificateSource implements CertificateSource {
    private final HarvestStore store;

    public HarvestCertificateSource(HarvestStore store) {
        this.store = store;
    }

    @Override
    public String name() {
        return store.name();
    }

    @Override
    public Lookup lookup(String address) {
        return store.lookup(address);
    }
}
