package io.mailseal.tlscheck;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The server's chain through the JDK's own TLS 1.3 handshake, for a server that speaks only TLS 1.3
 * (whose Certificate message the probes cannot read). The chain is recorded, not judged here: the
 * trust manager accepts it so the checks can say what is wrong with it.
 */
final class JdkHandshake {
    private JdkHandshake() {}

    static List<X509Certificate> chain(InetAddress address, TlsCheckRequest r) throws IOException {
        AtomicReference<X509Certificate[]> seen = new AtomicReference<>();
        try (Connection c = Connection.open(address, r)) {
            SSLContext ctx = SSLContext.getInstance("TLSv1.3");
            ctx.init(null, new X509ExtendedTrustManager[] {new Recorder(seen)}, null);
            Socket plain = c.socket();
            try (SSLSocket tls =
                    (SSLSocket)
                            ctx.getSocketFactory()
                                    .createSocket(plain, r.serverName(), r.port(), false)) {
                SSLParameters p = tls.getSSLParameters();
                p.setProtocols(new String[] {"TLSv1.3"});
                String sni = ProtocolScan.sniName(r.serverName());
                p.setServerNames(sni == null ? List.of() : List.of(new SNIHostName(sni)));
                tls.setSSLParameters(p);
                tls.startHandshake();
            }
        } catch (GeneralSecurityException e) {
            throw new IOException("TLS is not available in this JDK: " + e.getMessage(), e);
        }
        if (seen.get() == null) {
            throw new IOException("the TLSv1.3 handshake ended without a certificate");
        }
        return List.of(seen.get());
    }

    /** Keeps the chain the server sent and accepts it; only used for a server being examined. */
    private static final class Recorder extends X509ExtendedTrustManager {
        private final AtomicReference<X509Certificate[]> seen;

        Recorder(AtomicReference<X509Certificate[]> seen) {
            this.seen = seen;
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String auth, Socket s) {
            seen.set(chain.clone());
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String auth, SSLEngine e) {
            seen.set(chain.clone());
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String auth) {
            seen.set(chain.clone());
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String auth, Socket s) {
            throw new UnsupportedOperationException("client side only");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String auth, SSLEngine e) {
            throw new UnsupportedOperationException("client side only");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String auth) {
            throw new UnsupportedOperationException("client side only");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
