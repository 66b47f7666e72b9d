package io.mailseal.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;

/** Ports on 127.0.0.1 for processes a test starts itself. */
public final class LoopbackPorts {
    private LoopbackPorts() {}

    /**
     * A port nothing listens on right now (for a process told its port, or for "connection
     * refused").
     */
    public static int free() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /**
     * Waits until {@code process} accepts connections on {@code port}; fails if it exits or takes
     * 30 s.
     */
    public static void awaitListening(Process process, int port) throws Exception {
        awaitListening(process.toHandle(), port);
    }

    /** As {@link #awaitListening(Process, int)}, for a process started by a script. */
    public static void awaitListening(ProcessHandle process, int port) throws Exception {
        try {
            Eventually.await(
                    "something listening on 127.0.0.1:" + port,
                    Duration.ofSeconds(30),
                    () -> {
                        try (Socket s = new Socket("127.0.0.1", port)) {
                            // with nothing listening, a connect from an ephemeral port that
                            // happens to be the same number reaches itself (TCP simultaneous
                            // open) and would pass for the process
                            return s.getLocalPort() != port;
                        } catch (IOException e) {
                            if (!process.isAlive()) {
                                throw new IOException("process " + process.pid() + " exited");
                            }
                            return false;
                        }
                    });
        } catch (AssertionError e) {
            process.destroyForcibly();
            throw e;
        }
    }
}
