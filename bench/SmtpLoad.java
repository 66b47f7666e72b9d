/*
 * mailseal load generator: N messages over C parallel SMTP sessions to a relay whose next
 * hop is this program's own sink; reports throughput end to end (first MAIL FROM to last
 * arrival at the sink) and latency p50/p99/max of acceptance (MAIL FROM to the 250 after
 * DATA) and end to end (MAIL FROM to arrival). Messages are told apart at the sink by
 * Message-ID, which survives sealing. Not part of the tests; see bench/README.md.
 *
 *   java -cp target/mailseal.jar bench/SmtpLoad.java --relay 127.0.0.1:2525 --sink-port 2526 \
 *        -n 5000 -c 8 --message-file otp.eml --from otp@bank.example --to alice@customer.example [--rate 200]
 */

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.subethamail.smtp.MessageHandler;
import org.subethamail.smtp.server.SMTPServer;

public final class SmtpLoad {
    private static final Pattern ID = Pattern.compile("(?im)^Message-ID: <bench-(\\d+)-(\\d+)@");

    public static void main(String[] args) throws Exception {
        Map<String, String> o = options(args);
        String[] relay = o.getOrDefault("--relay", "127.0.0.1:2525").split(":");
        int sinkPort = Integer.parseInt(o.getOrDefault("--sink-port", "2526"));
        int n = Integer.parseInt(o.getOrDefault("-n", "2000"));
        int c = Integer.parseInt(o.getOrDefault("-c", "8"));
        double rate = Double.parseDouble(o.getOrDefault("--rate", "0")); // 0: as fast as accepted
        String label = o.getOrDefault("--label", "run");
        String from = o.getOrDefault("--from", "bench@bank.example");
        String to = o.getOrDefault("--to", "alice@customer.example");
        String template = o.containsKey("--message-file") ? Files.readString(Path.of(o.get("--message-file")))
                : "From: <" + from + ">\nTo: <" + to + ">\nSubject: bench\n\n" + "x".repeat(2000) + "\n";
        long run = System.nanoTime() % 1_000_000;

        long[] sent = new long[n];
        long[] accepted = new long[n];
        long[] arrived = new long[n];
        CountDownLatch all = new CountDownLatch(n);
        SMTPServer sink = SMTPServer.port(sinkPort).bindAddress(InetAddress.getLoopbackAddress())
                .hostName("sink.bench.invalid").messageHandlerFactory(ctx -> new MessageHandler() {
                    @Override public void from(String f) { }
                    @Override public void recipient(String r) { }
                    @Override public String data(InputStream data) throws IOException {
                        byte[] b = data.readAllBytes();
                        Matcher m = ID.matcher(new String(b, 0, Math.min(b.length, 16384), StandardCharsets.ISO_8859_1));
                        while (m.find()) {
                            if (Long.parseLong(m.group(1)) == run) {
                                int i = Integer.parseInt(m.group(2));
                                if (arrived[i] == 0) {
                                    arrived[i] = System.nanoTime();
                                    all.countDown();
                                }
                                break;
                            }
                        }
                        return null;
                    }
                    @Override public void done() { }
                }).build();
        sink.start();
        try {
            AtomicInteger next = new AtomicInteger();
            AtomicInteger failures = new AtomicInteger();
            ExecutorService sessions = Executors.newFixedThreadPool(c);
            long start = System.nanoTime();
            long intervalNanos = rate > 0 ? (long) (1e9 / rate) : 0;
            for (int s = 0; s < c; s++) {
                sessions.execute(() -> {
                    Session smtp = null;
                    try {
                        int i;
                        while ((i = next.getAndIncrement()) < n) {
                            if (smtp == null || smtp.closed()) {
                                // a relay closes a connection after so many messages (421), as MTAs do: reconnect
                                smtp = new Session(relay[0], Integer.parseInt(relay[1]));
                            }
                            if (intervalNanos > 0) { // open loop: message i is due at start + i/rate
                                long wait = start + i * intervalNanos - System.nanoTime();
                                if (wait > 0) {
                                    TimeUnit.NANOSECONDS.sleep(wait);
                                }
                            }
                            String msg = template.replaceFirst("(?im)^Message-ID:.*\\n", "")
                                    .replaceFirst("\\n\\n", "\nMessage-ID: <bench-" + run + "-" + i + "@bank.example>\n\n");
                            sent[i] = System.nanoTime();
                            boolean ok;
                            try {
                                ok = smtp.send(from, to, msg);
                            } catch (RetryOnNewConnection closedByRelay) {
                                smtp = new Session(relay[0], Integer.parseInt(relay[1]));
                                sent[i] = System.nanoTime();
                                ok = smtp.send(from, to, msg);
                            }
                            if (ok) {
                                accepted[i] = System.nanoTime();
                            } else {
                                failures.incrementAndGet();
                                all.countDown();
                            }
                        }
                    } catch (Exception e) {
                        System.err.println("session failed: " + e);
                    } finally {
                        if (smtp != null) {
                            smtp.closeQuietly();
                        }
                    }
                });
            }
            sessions.shutdown();
            // done when every message arrived; given up when the sessions are over and nothing has
            // arrived for 30 s (a session that failed leaves messages that will never come)
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(Long.parseLong(o.getOrDefault("--timeout", "600")));
            long lastCount = all.getCount();
            long lastChange = System.nanoTime();
            while (all.getCount() > 0 && System.nanoTime() < deadline) {
                all.await(1, TimeUnit.SECONDS);
                if (all.getCount() != lastCount) {
                    lastCount = all.getCount();
                    lastChange = System.nanoTime();
                } else if (sessions.isTerminated() && System.nanoTime() - lastChange > TimeUnit.SECONDS.toNanos(30)) {
                    break;
                }
            }
            boolean complete = all.getCount() == 0;
            long end = Arrays.stream(arrived).max().orElse(start);
            int delivered = (int) Arrays.stream(arrived).filter(t -> t > 0).count();
            double seconds = (end - start) / 1e9;
            System.out.printf("%-22s n=%d c=%d %s delivered=%d refused=%d%s  %.1f msg/s  accept p50/p99/max %s  "
                            + "end-to-end p50/p99/max %s%n", label, n, c, rate > 0 ? "rate=" + rate + "/s" : "max-rate",
                    delivered, failures.get(), complete ? "" : " (TIMED OUT)", delivered / seconds,
                    percentiles(sent, accepted), percentiles(sent, arrived));
        } finally {
            sink.stop();
        }
    }

    private static String percentiles(long[] from, long[] to) {
        List<Double> ms = new ArrayList<>();
        for (int i = 0; i < from.length; i++) {
            if (from[i] > 0 && to[i] > 0) {
                ms.add((to[i] - from[i]) / 1e6);
            }
        }
        if (ms.isEmpty()) {
            return "-";
        }
        ms.sort(null);
        return String.format("%.1f/%.1f/%.1f ms", ms.get(ms.size() / 2), ms.get((int) Math.min(ms.size() - 1,
                Math.ceil(ms.size() * 0.99) - 1)), ms.get(ms.size() - 1));
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> o = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            o.put(args[i], args[i + 1]);
        }
        return o;
    }

    /** The relay closed the connection before the message was accepted: send it again on a new one. */
    private static final class RetryOnNewConnection extends IOException {
        RetryOnNewConnection() {
            super("connection closed by the relay");
        }
    }

    /** One SMTP connection, kept open across messages like an MTA's. */
    private static final class Session implements AutoCloseable {
        private final Socket socket;
        private final BufferedReader in;
        private final OutputStream out;

        Session(String host, int port) throws IOException {
            socket = new Socket(host, port);
            socket.setTcpNoDelay(true);
            in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
            out = socket.getOutputStream();
            expect(reply(), '2');
            command("EHLO bench.invalid");
        }

        private boolean closed;

        boolean closed() {
            return closed;
        }

        /** False when refused; a 421 (closing) marks the session closed and is not counted as a refusal. */
        boolean send(String from, String to, String message) throws IOException {
            char mail = command("MAIL FROM:<" + from + ">");
            if (mail == '4' && lastReply.startsWith("421")) {
                closed = true;
                socket.close();
                throw new RetryOnNewConnection();
            }
            if (mail != '2' || command("RCPT TO:<" + to + ">") != '2' || command("DATA") != '3') {
                command("RSET");
                return false;
            }
            StringBuilder b = new StringBuilder();
            for (String line : message.split("\r?\n", -1)) {
                b.append(line.startsWith(".") ? "." : "").append(line).append("\r\n");
            }
            out.write(b.append(".\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            return reply().charAt(0) == '2';
        }

        private char command(String line) throws IOException {
            out.write((line + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            return reply().charAt(0);
        }

        private String lastReply = "";

        private String reply() throws IOException {
            String line;
            do {
                line = in.readLine();
                if (line == null) {
                    closed = true;
                    throw new RetryOnNewConnection();
                }
            } while (line.length() > 3 && line.charAt(3) == '-');
            lastReply = line;
            return line;
        }

        void closeQuietly() {
            try {
                close();
            } catch (IOException e) {
                // gone already
            }
        }

        private static void expect(String reply, char c) throws IOException {
            if (reply.charAt(0) != c) {
                throw new IOException("unexpected " + reply);
            }
        }

        @Override
        public void close() throws IOException {
            try {
                if (!closed) {
                    command("QUIT");
                }
            } finally {
                socket.close();
            }
        }
    }
}
