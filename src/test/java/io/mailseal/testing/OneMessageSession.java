package io.mailseal.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * One message over one SMTP connection, as a bank's application sends its codes: connect, EHLO,
 * MAIL, RCPT, DATA, QUIT, on plain sockets (a load generator that costs little CPU next to the
 * relays it drives). The result is the server's final reply code, or {@link #REFUSED} when the
 * connection could not be opened (nothing was handed over), or {@link #BROKEN} when it was lost
 * before the final reply (the message may or may not have been taken: "in flight").
 */
public final class OneMessageSession {
    /** The connection was refused: the server never saw the message. */
    public static final int REFUSED = -1;

    /** The connection broke after it was opened and before the final reply. */
    public static final int BROKEN = 0;

    private static final int CONNECT_TIMEOUT_MS = 5_000;
    private static final int READ_TIMEOUT_MS = 30_000;

    private OneMessageSession() {}

    /**
     * Sends {@code text} (LF or CRLF line ends) from {@code from} to {@code to} through the server
     * on 127.0.0.1:{@code port}; the reply that ended the transaction (the one after the final dot,
     * or the first refusal before it).
     */
    public static int send(int port, String from, String to, String text) {
        Socket socket = new Socket();
        try {
            socket.connect(
                    new InetSocketAddress(InetAddress.getLoopbackAddress(), port),
                    CONNECT_TIMEOUT_MS);
        } catch (IOException e) {
            close(socket);
            return REFUSED;
        }
        try (socket) {
            socket.setSoTimeout(READ_TIMEOUT_MS);
            BufferedReader in =
                    new BufferedReader(
                            new InputStreamReader(
                                    socket.getInputStream(), StandardCharsets.ISO_8859_1));
            OutputStream out = socket.getOutputStream();
            int code = reply(in);
            String[] commands = {
                "EHLO core-banking.bank.example", "MAIL FROM:<" + from + ">", "RCPT TO:<" + to + ">"
            };
            for (int i = 0; i < commands.length && code / 100 == 2; i++) {
                code = command(in, out, commands[i]);
            }
            if (code / 100 != 2) {
                return code;
            }
            code = command(in, out, "DATA");
            if (code != 354) {
                return code;
            }
            out.write(dotStuffed(text).getBytes(StandardCharsets.ISO_8859_1));
            out.write(".\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            code = reply(in);
            quit(in, out);
            return code;
        } catch (IOException e) {
            return BROKEN;
        }
    }

    private static int command(BufferedReader in, OutputStream out, String line)
            throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return reply(in);
    }

    /** A (multi-line) reply's code; the connection's end before it is an IOException. */
    private static int reply(BufferedReader in) throws IOException {
        while (true) {
            String line = in.readLine();
            if (line == null || line.length() < 3) {
                throw new IOException("connection closed before a reply: " + line);
            }
            if (line.length() == 3 || line.charAt(3) != '-') {
                return Integer.parseInt(line.substring(0, 3));
            }
        }
    }

    /** After the final reply the outcome is known; a QUIT that fails changes nothing. */
    private static void quit(BufferedReader in, OutputStream out) {
        try {
            command(in, out, "QUIT");
        } catch (IOException e) {
            // the message's fate was settled by the reply to the final dot
        }
    }

    private static String dotStuffed(String text) {
        String lf = text.replace("\r\n", "\n");
        StringBuilder b = new StringBuilder();
        for (String line :
                (lf.endsWith("\n") ? lf.substring(0, lf.length() - 1) : lf).split("\n", -1)) {
            b.append(line.startsWith(".") ? "." : "").append(line).append("\r\n");
        }
        return b.toString();
    }

    private static void close(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // never connected
        }
    }
}
