package io.mailseal.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A private instance of Debian's Postfix on loopback, as the bank's MTA in front of mailseal (the
 * way {@code ../shared/bench/setup.sh} runs one): its own config directory, queue and log under
 * {@code /var/tmp/mailseal-it-postfix/NAME}, started with {@code postfix -c}. Needs root and the
 * {@code postfix} package (installed by .ci/run, preseeded "No configuration", so no system MTA is
 * configured or started). The default instance's main.cf must name the private config directory in
 * {@code alternate_config_directories}; this adds it.
 */
public final class PostfixInstance implements AutoCloseable {
    private static final Path BASE = Path.of("/var/tmp/mailseal-it-postfix");
    private final Path dir;
    private final Path conf;

    private PostfixInstance(Path dir) {
        this.dir = dir;
        this.conf = dir.resolve("etc");
    }

    /**
     * Writes and starts instance {@code name}: {@code main} is added to a plain base main.cf (no
     * local delivery, no DNS, no TLS, mynetworks = 127.0.0.0/8), {@code services} are the smtpd
     * lines of master.cf (the internal services are added); waits until each of {@code ports}
     * accepts connections.
     */
    public static PostfixInstance start(String name, String main, String services, int... ports)
            throws Exception {
        PostfixInstance postfix = new PostfixInstance(BASE.resolve(name));
        postfix.stopQuietly(); // a run killed half-way may have left its master running
        postfix.write(main, services);
        postfix.postfix("start");
        for (int port : ports) {
            Eventually.await(
                    "postfix " + name + " listening on 127.0.0.1:" + port,
                    java.time.Duration.ofSeconds(30),
                    () -> {
                        try {
                            new java.net.Socket("127.0.0.1", port).close();
                            return true;
                        } catch (IOException e) {
                            return false;
                        }
                    });
        }
        return postfix;
    }

    /** What the instance logged (its maillog_file). */
    public String log() throws IOException {
        Path log = dir.resolve("maillog");
        return Files.exists(log) ? Files.readString(log) : "";
    }

    /**
     * The queue as {@code postqueue -j} lists it: one JSON line per queued message, empty when
     * none.
     */
    public String queue() throws Exception {
        return ExternalTool.ok(dir, "postqueue", "-c", conf.toString(), "-j").strip();
    }

    private void write(String main, String services) throws Exception {
        allowConfigDirectory();
        ExternalTool.ok(Path.of("/"), "rm", "-rf", dir.toString());
        Files.createDirectories(conf);
        Files.createDirectories(dir.resolve("queue"));
        Files.createDirectories(dir.resolve("data"));
        ExternalTool.ok(dir, "chown", "postfix:postfix", dir.resolve("data").toString());
        Files.writeString(
                conf.resolve("main.cf"),
                """
                compatibility_level = 3.6
                queue_directory = %1$s/queue
                data_directory = %1$s/data
                mail_owner = postfix
                setgid_group = postdrop
                myhostname = mta.bank.invalid
                mydomain = bank.invalid
                myorigin = $myhostname
                mydestination =
                local_recipient_maps =
                local_transport = error:local delivery is disabled
                alias_maps =
                alias_database =
                relay_domains =
                inet_interfaces = 127.0.0.1
                inet_protocols = ipv4
                mynetworks = 127.0.0.0/8
                smtpd_relay_restrictions = permit_mynetworks, reject
                smtpd_recipient_restrictions = permit_mynetworks, reject
                smtpd_tls_security_level = none
                smtp_tls_security_level = none
                smtp_dns_support_level = disabled
                smtputf8_enable = no
                biff = no
                append_dot_mydomain = no
                queue_minfree = 0
                maillog_file_prefixes = /var
                maillog_file = %1$s/maillog
                %2$s
                """
                        .formatted(dir, main));
        Files.writeString(
                conf.resolve("master.cf"),
                services
                        + """

                        pickup    unix  n       -       n       60      1       pickup
                        cleanup   unix  n       -       n       -       0       cleanup
                        qmgr      unix  n       -       n       300     1       qmgr
                        tlsmgr    unix  -       -       n       1000?   1       tlsmgr
                        rewrite   unix  -       -       n       -       -       trivial-rewrite
                        bounce    unix  -       -       n       -       0       bounce
                        defer     unix  -       -       n       -       0       bounce
                        trace     unix  -       -       n       -       0       bounce
                        verify    unix  -       -       n       -       1       verify
                        flush     unix  n       -       n       1000?   0       flush
                        proxymap  unix  -       -       n       -       -       proxymap
                        proxywrite unix -       -       n       -       1       proxymap
                        smtp      unix  -       -       n       -       -       smtp
                        relay     unix  -       -       n       -       -       smtp
                        showq     unix  n       -       n       -       -       showq
                        error     unix  -       -       n       -       -       error
                        retry     unix  -       -       n       -       -       error
                        discard   unix  -       -       n       -       -       discard
                        anvil     unix  -       -       n       -       1       anvil
                        scache    unix  -       -       n       -       1       scache
                        postlog   unix-dgram n  -       n       -       1       postlogd
                        """);
        postfix("post-install", "create-missing");
        postfix("check");
    }

    /** postfix refuses {@code -c DIR} unless the default main.cf lists DIR. */
    private void allowConfigDirectory() throws Exception {
        Path defaultMain = Path.of("/etc/postfix/main.cf");
        if (!Files.exists(defaultMain)) {
            Files.writeString(defaultMain, "compatibility_level = 3.6\n");
        }
        String listed =
                ExternalTool.ok(Path.of("/"), "postconf", "-h", "alternate_config_directories")
                        .strip();
        if (!List.of(listed.split("[,\\s]+")).contains(conf.toString())) {
            ExternalTool.ok(
                    Path.of("/"),
                    "postconf",
                    "-e",
                    "alternate_config_directories = "
                            + (listed.isEmpty() ? "" : listed + ", ")
                            + conf);
        }
    }

    private void postfix(String... command) throws Exception {
        String[] full = new String[command.length + 3];
        full[0] = "postfix";
        full[1] = "-c";
        full[2] = conf.toString();
        System.arraycopy(command, 0, full, 3, command.length);
        ExternalTool.ok(Path.of("/"), full);
    }

    private void stopQuietly() {
        if (Files.exists(conf.resolve("main.cf"))) {
            try {
                ExternalTool.run(Path.of("/"), "postfix", "-c", conf.toString(), "abort");
            } catch (IOException | InterruptedException e) {
                // not running
            }
        }
    }

    @Override
    public void close() {
        stopQuietly();
    }
}
