package io.mailseal.it;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
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
        use(
                new Socket(
                        InetAddress.getByName("127.0.0.1"),
                        port,
                        InetAddress.getByName(localAddress),
                        0));
    }

    private void use(Socket s) throws IOException {
        socket = s;
        socket.setSoTimeout(20_000);
        in =
                new BufferedReader(
                        new InputStreamReader(
                                socket.getInputStream(), StandardCharsets.ISO_8859_1));
        out = socket.getOutputStream();
    }

    /** Waits up to {@code timeout} for each reply from now on (20 s by default). */
    SmtpDialog patient(Duration timeout) throws IOException {
        socket.setSoTimeout((int) timeout.toMillis());
        return this;
    }

    /** Reads the greeting and says EHLO; both must be positive. */
    SmtpDialog hello() throws IOException {
        expect("220", reply());
        expect("250", command("EHLO bank.example"));
        return this;
    }

    /** MAIL, RCPT and DATA, each of which must be accepted. */
    SmtpDialog startData(String from, String to) throws IOException {
        expect("250", command("MAIL FROM:<" + from + ">"));
        expect("250", command("RCPT TO:<" + to + ">"));
        expect("354", command("DATA"));
        return this;
    }

    /**
     * Sends {@code content} dot-stuffed (RFC 5321 §4.5.2), ending with CRLF, then the end of data;
     * the reply.
     */
    String endData(String content) throws IOException {
        String stuffed = (content.startsWith(".") ? "." : "") + content.replace("\r\n.", "\r\n..");
        write(stuffed + (stuffed.endsWith("\r\n") ? "" : "\r\n") + ".\r\n");
        return reply();
    }

    /**
     * One whole transaction from news@bank.example to x@other.example; the reply to the end of
     * data.
     */
    String send(String content) throws IOException {
        return startData("news@bank.example", "x@other.example").endData(content);
    }

    private static void expect(String code, String reply) {
        if (reply == null || !reply.startsWith(code)) {
            throw new AssertionError("expected " + code + ", got " + reply);
        }
    }

    /** After the server's 220 to STARTTLS: the TLS handshake on this connection; its session. */
    SSLSession startTls(SSLSocketFactory factory, String serverName) throws IOException {
        SSLSocket tls =
                (SSLSocket) factory.createSocket(socket, serverName, socket.getPort(), true);
        tls.startHandshake();
        use(tls);
        return tls.getSession();
    }

    /** Whether the server closed the connection: a read sees its end (or the reset). */
    boolean closed() {
        try {
            socket.setSoTimeout(100);
            return socket.getInputStream().read() < 0;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    /** A new handshake on the TLS connection: a renegotiation under TLS 1.2. */
    void renegotiate() throws IOException {
        ((SSLSocket) socket).startHandshake();
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
