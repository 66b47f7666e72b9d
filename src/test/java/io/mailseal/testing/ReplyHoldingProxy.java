package io.mailseal.testing;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP relay on 127.0.0.1 between a relay node and its SMTP next hop that can withhold the next
 * hop's reply to the end of DATA: after {@link #holdReplies()}, a connection whose client has sent
 * the final dot gets nothing more back. The next hop has then taken the message and the relay does
 * not know it — the moment at which a relay that dies must deliver the message again (SMTP is
 * at-least-once). {@link #held()} counts the replies withheld; {@link #release()} ends those
 * connections and lets new ones pass.
 */
public final class ReplyHoldingProxy implements AutoCloseable {
    private static final byte[] END_OF_DATA = "\r\n.\r\n".getBytes(StandardCharsets.US_ASCII);
    private final ServerSocket server;
    private final int target;
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final Set<AtomicBoolean> withholding = ConcurrentHashMap.newKeySet();
    private final AtomicInteger held = new AtomicInteger();
    private volatile boolean holding;

    private ReplyHoldingProxy(int target) throws IOException {
        this.target = target;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        threads.execute(this::acceptAll);
    }

    /** A proxy to the SMTP server on 127.0.0.1:{@code port}, passing everything until told. */
    public static ReplyHoldingProxy to(int port) throws IOException {
        return new ReplyHoldingProxy(port);
    }

    public int port() {
        return server.getLocalPort();
    }

    /** From now on, the reply to each final dot is withheld. */
    public void holdReplies() {
        holding = true;
    }

    /** Replies to a final dot that reached the proxy from the next hop and were withheld. */
    public int held() {
        return held.get();
    }

    /** Ends the connections whose reply was withheld; new connections pass again. */
    public void release() {
        holding = false;
        for (Socket s : open) {
            close(s);
        }
    }

    private void acceptAll() {
        while (!server.isClosed()) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                continue; // closed: the loop ends
            }
            try {
                Socket next = new Socket(InetAddress.getLoopbackAddress(), target);
                open.add(client);
                open.add(next);
                AtomicBoolean withhold = new AtomicBoolean();
                threads.execute(() -> pump(client, next, withhold, true));
                threads.execute(() -> pump(next, client, withhold, false));
            } catch (IOException e) {
                close(client); // the next hop refused: so does the proxy
            }
        }
    }

    /**
     * Copies {@code from} to {@code to}. Towards the next hop: once the final dot is seen while
     * holding, the connection withholds from then on (set before the dot is passed on, so the reply
     * cannot slip through). Back from it: what a withholding connection receives is dropped.
     */
    private void pump(Socket from, Socket to, AtomicBoolean withhold, boolean towardsNextHop) {
        byte[] buffer = new byte[8192];
        byte[] tail = new byte[0];
        try (from;
                to) {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                if (towardsNextHop) {
                    byte[] seen = concat(tail, buffer, n);
                    if (holding
                            && contains(seen, END_OF_DATA)
                            && withhold.compareAndSet(false, true)) {
                        withholding.add(withhold);
                    }
                    tail = Arrays.copyOfRange(seen, Math.max(0, seen.length - 4), seen.length);
                } else if (withhold.get()) {
                    if (withholding.remove(withhold)) {
                        held.incrementAndGet();
                    }
                    continue;
                }
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            // either side went away: both are closed
        } finally {
            open.remove(from);
            open.remove(to);
        }
    }

    private static byte[] concat(byte[] tail, byte[] buffer, int n) {
        byte[] all = Arrays.copyOf(tail, tail.length + n);
        System.arraycopy(buffer, 0, all, tail.length, n);
        return all;
    }

    private static boolean contains(byte[] data, byte[] part) {
        outer:
        for (int i = 0; i + part.length <= data.length; i++) {
            for (int j = 0; j < part.length; j++) {
                if (data[i + j] != part[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    private static void close(Closeable c) {
        try {
            c.close();
        } catch (IOException e) {
            // already closed
        }
    }

    /** Stops accepting and ends every connection (the pumps end with their sockets). */
    @Override
    public void close() {
        close(server);
        release();
        threads.shutdown();
    }
}
