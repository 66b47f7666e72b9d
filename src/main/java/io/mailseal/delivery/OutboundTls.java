package io.mailseal.delivery;

import io.mailseal.config.DeliveryConfig.TlsLevel;
import java.io.IOException;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.xbill.DNS.TLSARecord;

/**
 * STARTTLS towards the next hop at the level a message needs (STYLE.md: ordered levels). {@code
 * may}/{@code encrypt} are opportunistic (RFC 7435): encrypted against passive listeners, any
 * certificate accepted — an MTA that refused unverifiable certificates would refuse most of the
 * Internet. {@code verify} checks the chain (system trust store or {@code
 * delivery.tls-trust-anchors}), validity and the next hop's name (RFC 6125, checked by JSSE during
 * the handshake), and every level speaks TLS 1.2 or 1.3 only.
 */
public final class OutboundTls {
    /** For Angus's {@code ssl.protocols}: nothing older than TLS 1.2 (RFC 8996). */
    public static final String PROTOCOLS = "TLSv1.3 TLSv1.2";

    private final SSLSocketFactory opportunistic;
    private final SSLSocketFactory verifying;

    public OutboundTls(Optional<Set<TrustAnchor>> anchors) {
        try {
            this.opportunistic = factory(new TrustManager[] {new OpportunisticTrust()});
            this.verifying = factory(verifyingTrust(anchors, false));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("TLS cannot be set up: " + e.getMessage(), e);
        }
    }

    /** The factory Angus uses for STARTTLS at {@code level} to {@code expectedName}. */
    public SSLSocketFactory socketFactoryFor(TlsLevel level, String expectedName) {
        return new NamedHostFactory(
                level == TlsLevel.VERIFY ? verifying : opportunistic, expectedName);
    }

    /**
     * The factory for STARTTLS to {@code expectedName} authenticated by its TLSA {@code records}
     * ({@link DaneTrust}); a new one each time, since records change with DNS.
     */
    public SSLSocketFactory daneSocketFactory(
            List<TLSARecord> records, String expectedName, Clock clock) {
        try {
            return new NamedHostFactory(
                    factory(new TrustManager[] {new DaneTrust(records, expectedName, clock)}),
                    expectedName);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("TLS cannot be set up: " + e.getMessage(), e);
        }
    }

    /**
     * A factory that checks chains against {@code anchors} (PKIX), and the JDK's trust store too
     * when {@code alsoJdk} or when there are none; names are checked by its caller.
     */
    static SSLSocketFactory pkixFactory(Optional<Set<TrustAnchor>> anchors, boolean alsoJdk) {
        try {
            return factory(verifyingTrust(anchors, alsoJdk));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("TLS cannot be set up: " + e.getMessage(), e);
        }
    }

    private static SSLSocketFactory factory(TrustManager[] trust) throws GeneralSecurityException {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust, null);
        return context.getSocketFactory();
    }

    private static TrustManager[] verifyingTrust(
            Optional<Set<TrustAnchor>> anchors, boolean alsoJdk) throws GeneralSecurityException {
        TrustManagerFactory tmf =
                TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init((KeyStore) null); // the JDK's trust store
        if (anchors.isPresent()) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            try {
                store.load(null, null);
            } catch (IOException e) {
                throw new GeneralSecurityException(e);
            }
            int i = 0;
            for (TrustAnchor a : anchors.get()) {
                store.setCertificateEntry("anchor-" + i++, a.getTrustedCert());
            }
            if (alsoJdk) {
                for (TrustManager t : tmf.getTrustManagers()) {
                    if (t instanceof X509TrustManager x) {
                        for (X509Certificate ca : x.getAcceptedIssuers()) {
                            store.setCertificateEntry("jdk-" + i++, ca);
                        }
                    }
                }
            }
            tmf.init(store);
        }
        return tmf.getTrustManagers();
    }

    /** Accepts any server certificate: the opportunistic levels encrypt without authenticating. */
    private static final class OpportunisticTrust implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
            throw new UnsupportedOperationException("client side only");
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
            // deliberately accepted: RFC 7435 opportunistic security
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }

    /**
     * Layers TLS on the connected socket for the name the hop is known by (the smarthost or the MX
     * host name, not the address connected to) with SNI. Angus then sets the protocols and, when
     * {@code ssl.checkserveridentity} is on, has JSSE check the server certificate against that
     * name during the handshake.
     */
    private static final class NamedHostFactory extends StartTlsSocketFactory {
        private final String name;

        NamedHostFactory(SSLSocketFactory delegate, String name) {
            super(delegate);
            this.name = name;
        }

        @Override
        public Socket createSocket(Socket s, String host, int port, boolean autoClose)
                throws IOException {
            SSLSocket socket = (SSLSocket) delegate.createSocket(s, name, port, autoClose);
            if (!isAddressLiteral(name)) {
                SSLParameters params = socket.getSSLParameters();
                params.setServerNames(List.of(new SNIHostName(name)));
                socket.setSSLParameters(params);
            }
            HopTransport.secured(socket); // for the evidence journal's record of the delivery
            return socket;
        }

        private static boolean isAddressLiteral(String host) {
            return host.contains(":") || host.matches("[0-9.]+");
        }
    }
}
