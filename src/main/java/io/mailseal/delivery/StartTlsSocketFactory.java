package io.mailseal.delivery;

import java.net.InetAddress;
import java.net.Socket;
import javax.net.ssl.SSLSocketFactory;

/**
 * An SSL socket factory for STARTTLS only: TLS layered on a connected plain socket ({@code
 * createSocket(Socket, …)}, which subclasses implement); opening a socket of its own is refused.
 */
public abstract class StartTlsSocketFactory extends SSLSocketFactory {
    protected final SSLSocketFactory delegate;

    protected StartTlsSocketFactory(SSLSocketFactory delegate) {
        this.delegate = delegate;
    }

    @Override
    public String[] getDefaultCipherSuites() {
        return delegate.getDefaultCipherSuites();
    }

    @Override
    public String[] getSupportedCipherSuites() {
        return delegate.getSupportedCipherSuites();
    }

    @Override
    public Socket createSocket(String host, int port) {
        throw new UnsupportedOperationException("STARTTLS only");
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) {
        throw new UnsupportedOperationException("STARTTLS only");
    }

    @Override
    public Socket createSocket(InetAddress host, int port) {
        throw new UnsupportedOperationException("STARTTLS only");
    }

    @Override
    public Socket createSocket(
            InetAddress address, int port, InetAddress localAddress, int localPort) {
        throw new UnsupportedOperationException("STARTTLS only");
    }
}
