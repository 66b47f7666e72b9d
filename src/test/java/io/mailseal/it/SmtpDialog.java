package io.mailseal.it;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/** A raw SMTP conversation, byte for byte, for replies a library client would hide. */
final class SmtpDialog implements AutoCloseable {
    private Socket socket;
    private BufferedReader in;
    private OutputStream out;

    SmtpDialog(int port) throws IOException {
        this(port, "127.0.0.1");
    }

    /** From a given loopback address (127.0.0.2 is another client than 127.0.0.1). */
    SmtpDialog(int port, String localAddress) throws IOException {
        use(new Socket(InetAddress.getByName("127.0.0.1"), port, InetAddress.getByName(localAddress), 0));
    }

    private void use(Socket s) throws IOException {
        socket = s;
        socket.setSoTimeout(20_000);
        in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
        out = socket.getOutputStream();
    }

    /** After the server's 220 to STARTTLS: the TLS handshake on this connection; its session. */
    SSLSession startTls(SSLSocketFactory factory, String serverName) throws IOException {
        SSLSocket tls = (SSLSocket) factory.createSocket(socket, serverName, socket.getPort(), true);
        tls.startHandshake();
        use(tls);
        return tls.getSession();
    }

    /** The last line of the next (possibly multi-line) reply. */
    String reply() throws IOException {
        String line;
        do {
            line = in.readLine();
            if (line == null) {
                return null;
            }
        } while (line.length() > 3 && line.charAt(3) == '-');
        return line;
    }

    /** Every line of the next reply, joined by LF (e.g. the whole EHLO answer). */
    String replyLines() throws IOException {
        StringBuilder all = new StringBuilder();
        String line;
        do {
            line = in.readLine();
            if (line == null) {
                break;
            }
            all.append(all.length() == 0 ? "" : "\n").append(line);
        } while (line.length() > 3 && line.charAt(3) == '-');
        return all.toString();
    }

    String command(String line) throws IOException {
        write(line + "\r\n");
        return reply();
    }

    void write(String raw) throws IOException {
        out.write(raw.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
