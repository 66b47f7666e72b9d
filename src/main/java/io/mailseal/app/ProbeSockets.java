package io.mailseal.app;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import javax.net.SocketFactory;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * The sockets of {@link Probes#nextHop}: a plain one that can be cut, the TLS one kept to report.
 */
final class ProbeSockets {
    private ProbeSockets() {}

    /** Plain sockets that {@link #cut} closes, ending a blocked connect, read or write at once. */
    static final class Watched extends SocketFactory {
        volatile Socket socket;
        volatile boolean cut;

        void cut() {
            cut = true;
            Socket s = socket;
            if (s != null) {
                try {
                    s.close();
                } catch (IOException e) {
                    // closing is all that was wanted
                }
            }
        }

        /** The one Angus calls: it connects the socket itself, with its own timeouts. */
        @Override
        public Socket createSocket() throws IOException {
            Socket s = new Socket();
            socket = s;
            if (cut) {
                s.close();
            }
            return s;
        }

        @Override
        public Socket createSocket(String host, int port) throws IOException {
            return connected(new InetSocketAddress(host, port));
        }

        @Override
        public Socket createSocket(String host, int port, InetAddress localHost, int localPort)
                throws IOException {
            return connected(new InetSocketAddress(host, port));
        }

        @Override
        public Socket createSocket(InetAddress host, int port) throws IOException {
            return connected(new InetSocketAddress(host, port));
        }

        @Override
        public Socket createSocket(
                InetAddress address, int port, InetAddress localAddress, int localPort)
                throws IOException {
            return connected(new InetSocketAddress(address, port));
        }

        private Socket connected(InetSocketAddress to) throws IOException {
            Socket s = createSocket();
            s.connect(to);
            return s;
        }
    }

    /** The relay's STARTTLS factory, keeping the socket it made to report protocol and cipher. */
    static final class Capturing extends SSLSocketFactory {
        private final SSLSocketFactory delegate;
        volatile SSLSocket socket;

        Capturing(SSLSocketFactory delegate) {
            this.delegate = delegate;
        }

        @Override
        public Socket createSocket(Socket s, String host, int port, boolean autoClose)
                throws IOException {
            Socket made = delegate.createSocket(s, host, port, autoClose);
            if (made instanceof SSLSocket ssl) {
                socket = ssl;
            }
            return made;
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
}
