package io.mailseal.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A real PostgreSQL for tests: the Debian {@code postgresql} package's {@code initdb} and {@code
 * pg_ctl} on a private data directory, listening on 127.0.0.1 at a free port (its Unix socket in
 * the data directory, never the system's), password logins (scram-sha-256) only. A database {@code
 * mailseal} owned by the role {@code relay} (not a superuser, as a bank would grant it); {@link
 * #passwordFile()} holds that role's password for {@code mailseal.store.password-file}. PostgreSQL
 * refuses to run as root: as root, every server command runs as the {@code postgres} system user
 * the package creates, on a directory made its own. One per test class ({@link #create()}); {@link
 * #stop()} and {@link #start()} take the server away and bring it back on the same port and data;
 * {@link #close()} stops it and removes the directory.
 */
public final class Postgres implements AutoCloseable {
    public static final String DATABASE = "mailseal";
    public static final String USER = "relay";
    private static final String PASSWORD = "relay-test-password";
    private static final String ADMIN_PASSWORD = "admin-test-password";
    private static final boolean ROOT = "root".equals(System.getProperty("user.name"));

    private final Path dir;
    private final Path bin;
    private final int port;

    private Postgres(Path dir, Path bin, int port) {
        this.dir = dir;
        this.bin = bin;
        this.port = port;
    }

    /** initdb, start, the role and database; the whole directory is the fixture's own. */
    public static Postgres create() throws Exception {
        Path dir = Files.createTempDirectory("mailseal-pg");
        Postgres pg = new Postgres(dir, binaries(), LoopbackPorts.free());
        try {
            Files.writeString(dir.resolve("admin.pw"), ADMIN_PASSWORD + "\n");
            Files.writeString(dir.resolve("relay.pw"), PASSWORD + "\n");
            if (ROOT) {
                ExternalTool.ok(dir, "chown", "-R", "postgres:postgres", dir.toString());
            }
            pg.server(
                    "initdb",
                    "-D",
                    pg.data().toString(),
                    "-U",
                    "admin",
                    "--auth=scram-sha-256",
                    "--pwfile=" + dir.resolve("admin.pw"),
                    "-E",
                    "UTF8",
                    "--locale=C",
                    "--no-sync");
            pg.start();
            try (Connection c = pg.connect("postgres", "admin", ADMIN_PASSWORD);
                    Statement s = c.createStatement()) {
                s.execute("CREATE ROLE " + USER + " LOGIN PASSWORD '" + PASSWORD + "'");
                s.execute("CREATE DATABASE " + DATABASE + " OWNER " + USER);
            }
            return pg;
        } catch (Exception | AssertionError e) {
            String log = pg.log();
            pg.close();
            throw new IllegalStateException("PostgreSQL did not start: " + log, e);
        }
    }

    /** Starts the server (again) on the same port and data; returns when it accepts logins. */
    public void start() throws IOException, InterruptedException {
        server(
                "pg_ctl",
                "-D",
                data().toString(),
                "-l",
                dir.resolve("postgres.log").toString(),
                "-w",
                "-t",
                "30",
                "-o",
                "-p "
                        + port
                        + " -c listen_addresses=127.0.0.1 -c unix_socket_directories="
                        + dir
                        + " -c max_connections=200",
                "start");
    }

    /** Stops the server as an operator would (fast: open sessions are ended). */
    public void stop() throws IOException, InterruptedException {
        server("pg_ctl", "-D", data().toString(), "-m", "fast", "-w", "-t", "30", "stop");
    }

    public String url() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + DATABASE;
    }

    public int port() {
        return port;
    }

    /** The role {@code relay}'s password, for {@code mailseal.store.password-file}. */
    public Path passwordFile() {
        return dir.resolve("relay.pw");
    }

    /** A connection as the relay's role, for a test to look at what the relay stored. */
    public Connection connect() throws SQLException {
        return connect(DATABASE, USER, PASSWORD);
    }

    /** The postmaster's PID, for the database's CPU time in a benchmark. */
    public long pid() throws IOException {
        return Long.parseLong(Files.readAllLines(data().resolve("postmaster.pid")).get(0).strip());
    }

    public String log() {
        try {
            Path log = dir.resolve("postgres.log");
            return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    private Connection connect(String database, String user, String password) throws SQLException {
        return DriverManager.getConnection(
                "jdbc:postgresql://127.0.0.1:" + port + "/" + database, user, password);
    }

    private Path data() {
        return dir.resolve("data");
    }

    private void server(String tool, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        if (ROOT) {
            command.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        command.add(bin.resolve(tool).toString());
        command.addAll(List.of(args));
        ExternalTool.ok(dir, Map.of("LC_ALL", "C"), new byte[0], command.toArray(String[]::new));
    }

    /** The newest installed major version's server binaries (they are not on PATH in Debian). */
    private static Path binaries() throws IOException {
        try (Stream<Path> versions = Files.list(Path.of("/usr/lib/postgresql"))) {
            return versions.filter(v -> Files.isExecutable(v.resolve("bin/pg_ctl")))
                    .max(Comparator.comparingInt(v -> Integer.parseInt(v.getFileName().toString())))
                    .map(v -> v.resolve("bin"))
                    .orElseThrow(
                            () ->
                                    new IOException(
                                            "no PostgreSQL server in /usr/lib/postgresql (Debian package postgresql)"));
        }
    }

    @Override
    public void close() {
        try {
            if (Files.exists(data().resolve("postmaster.pid"))) {
                server("pg_ctl", "-D", data().toString(), "-m", "immediate", "-w", "stop");
            }
        } catch (IOException | InterruptedException | AssertionError e) {
            // the directory goes all the same; a server left running dies with its files
        }
        try (Stream<Path> all = Files.walk(dir)) {
            all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temporary directory left behind
        }
    }
}
