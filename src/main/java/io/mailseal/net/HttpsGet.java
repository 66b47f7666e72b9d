package io.mailseal.net;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * One HTTPS GET to an address the caller resolved (through the relay's own resolver, not the
 * JDK's), for the host name the certificate must carry: SNI and RFC 2818 name checks ({@code HTTPS}
 * endpoint identification) during the handshake. HTTP/1.1 with {@code Connection: close}; the body
 * is read by {@code Content-Length}, chunked, or to the end of the connection, at most {@code
 * maxBody} bytes. Connecting, the handshake and every read share one total deadline: each read
 * waits at most what is left of it, so a server that drips a byte at a time is cut off.
 */
public final class HttpsGet {
    private static final int MAX_HEAD = 16 * 1024;

    /** A response: the status code, the headers (names in lower case, the last one kept). */
    public record Response(int status, Map<String, String> headers, byte[] body) {
        public Response {
            headers = Map.copyOf(headers);
        }
    }

    private HttpsGet() {}

    /**
     * @param tls verifies the server's chain (the caller's trust anchors)
     * @throws IOException naming what failed: the connection, the handshake (an untrusted
     *     certificate or one not for {@code host}), a malformed response, a body over {@code
     *     maxBody}, or the deadline; what the server sent is quoted as it came, so log or report it
     *     through {@link HttpDeadline#describe}, which escapes it (once)
     */
    public static Response get(
            SSLSocketFactory tls,
            InetAddress address,
            int port,
            String host,
            String path,
            int maxBody,
            Duration deadline)
            throws IOException {
        long end = System.nanoTime() + deadline.toNanos();
        try (Socket plain = new Socket()) {
            plain.connect(new InetSocketAddress(address, port), remainingMillis(end, deadline));
            try (SSLSocket socket = (SSLSocket) tls.createSocket(plain, host, port, true)) {
                SSLParameters params = socket.getSSLParameters();
                params.setServerNames(List.of(new SNIHostName(host)));
                params.setEndpointIdentificationAlgorithm("HTTPS");
                params.setProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
                socket.setSSLParameters(params);
                socket.setSoTimeout(remainingMillis(end, deadline));
                socket.startHandshake();
                socket.getOutputStream()
                        .write(
                                ("GET "
                                                + path
                                                + " HTTP/1.1\r\nHost: "
                                                + host
                                                + "\r\nConnection: close\r\nAccept: text/plain"
                                                + "\r\n\r\n")
                                        .getBytes(StandardCharsets.US_ASCII));
                socket.getOutputStream().flush();
                return read(new DeadlineInput(socket, end, deadline), maxBody);
            }
        }
    }

    private static Response read(DeadlineInput in, int maxBody) throws IOException {
        String status = in.line();
        String[] parts = status.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/1.") || !parts[1].matches("\\d{3}")) {
            throw new IOException("not an HTTP/1.x status line: " + status);
        }
        Map<String, String> headers = new HashMap<>();
        for (String line = in.line(); !line.isEmpty(); line = in.line()) {
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new IOException("malformed header line: " + line);
            }
            headers.put(
                    line.substring(0, colon).trim().toLowerCase(Locale.ROOT),
                    line.substring(colon + 1).trim());
        }
        String encoding = headers.getOrDefault("transfer-encoding", "");
        byte[] body;
        if (encoding.equalsIgnoreCase("chunked")) {
            body = chunked(in, maxBody);
        } else if (!encoding.isEmpty()) {
            throw new IOException("transfer-encoding " + encoding + " refused");
        } else if (headers.containsKey("content-length")) {
            body = in.exactly(contentLength(headers.get("content-length"), maxBody));
        } else {
            body = in.toEnd(maxBody);
        }
        return new Response(Integer.parseInt(parts[1]), headers, body);
    }

    private static int contentLength(String value, int maxBody) throws IOException {
        long length;
        try {
            length = Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new IOException("content-length " + value + " is not a number");
        }
        if (length < 0 || length > maxBody) {
            throw new IOException("response body larger than " + maxBody + " bytes");
        }
        return (int) length;
    }

    /** RFC 9112 §7.1; chunk extensions ignored, trailers read and dropped. */
    private static byte[] chunked(DeadlineInput in, int maxBody) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while (true) {
            String size = in.line();
            int semicolon = size.indexOf(';');
            long length;
            try {
                length =
                        Long.parseLong(
                                (semicolon < 0 ? size : size.substring(0, semicolon)).trim(), 16);
            } catch (NumberFormatException e) {
                throw new IOException("bad chunk size " + size);
            }
            if (length == 0) {
                while (!in.line().isEmpty()) {
                    // trailer fields: nothing here needs them
                }
                return out.toByteArray();
            }
            if (length < 0 || out.size() + length > maxBody) {
                throw new IOException("response body larger than " + maxBody + " bytes");
            }
            out.writeBytes(in.exactly((int) length));
            if (!in.line().isEmpty()) {
                throw new IOException("chunk not followed by CRLF");
            }
        }
    }

    private static int remainingMillis(long end, Duration deadline) throws SocketTimeoutException {
        long left = (end - System.nanoTime()) / 1_000_000;
        if (left <= 0) {
            throw new SocketTimeoutException(
                    "did not answer within " + deadline.toMillis() + " ms");
        }
        return (int) Math.min(Integer.MAX_VALUE, left);
    }

    /** The socket's input, each read bounded by what is left of the deadline. */
    private static final class DeadlineInput {
        private final Socket socket;
        private final InputStream in;
        private final long end;
        private final Duration deadline;

        DeadlineInput(Socket socket, long end, Duration deadline) throws IOException {
            this.socket = socket;
            this.in = socket.getInputStream();
            this.end = end;
            this.deadline = deadline;
        }

        private int read() throws IOException {
            socket.setSoTimeout(remainingMillis(end, deadline));
            return in.read();
        }

        /** One line without its CRLF (a bare LF accepted), at most {@link #MAX_HEAD} bytes. */
        String line() throws IOException {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            for (int b = read(); b != '\n'; b = read()) {
                if (b < 0) {
                    throw new IOException("connection closed in the response head");
                }
                if (line.size() >= MAX_HEAD) {
                    throw new IOException("response line longer than " + MAX_HEAD + " bytes");
                }
                line.write(b);
            }
            String s = line.toString(StandardCharsets.ISO_8859_1);
            return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
        }

        byte[] exactly(int length) throws IOException {
            byte[] out = new byte[length];
            for (int off = 0; off < length; ) {
                socket.setSoTimeout(remainingMillis(end, deadline));
                int n = in.read(out, off, length - off);
                if (n < 0) {
                    throw new IOException(
                            "connection closed after " + off + " of " + length + " bytes");
                }
                off += n;
            }
            return out;
        }

        byte[] toEnd(int max) throws IOException {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buffer = new byte[4096];
            while (true) {
                socket.setSoTimeout(remainingMillis(end, deadline));
                int n = in.read(buffer);
                if (n < 0) {
                    return out.toByteArray();
                }
                if (out.size() + n > max) {
                    throw new IOException("response body larger than " + max + " bytes");
                }
                out.write(buffer, 0, n);
            }
        }
    }
}
