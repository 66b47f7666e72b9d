package io.mailseal.app;

import io.mailseal.delivery.PlainSocketFactory;
import io.mailseal.delivery.StartTlsSocketFactory;
import java.io.IOException;
import java.net.Socket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * The sockets of {@link Probes#nextHop}: a plain one that can be cut, the TLS one kept to report.
 */
final class ProbeSockets {
    private ProbeSockets() {}

    /** Plain sockets that {@link #cut} closes, ending a blocked connect, read or write at once. */
    static final class Watched extends PlainSocketFactory {
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
    }

    /** The relay's STARTTLS factory, keeping the socket it made to report protocol and cipher. */
    static final class Capturing extends StartTlsSocketFactory {
        volatile SSLSocket socket;

        Capturing(SSLSocketFactory delegate) {
            super(delegate);
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
    }
}
