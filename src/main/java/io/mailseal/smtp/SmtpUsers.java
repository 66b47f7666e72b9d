package io.mailseal.smtp;

import io.mailseal.config.ConfigException;
import io.mailseal.text.PeerText;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.subethamail.smtp.MessageContext;
import org.subethamail.smtp.auth.LoginFailedException;
import org.subethamail.smtp.auth.UsernamePasswordValidator;

/**
 * The users of {@code smtp.auth.users-file}: one {@code user:hash} per line ({@code #} comments and
 * blank lines allowed; the name ends at the first colon), hashes as {@link PasswordHash} reads
 * them. Every attempt is logged with the user and client, never the password.
 */
final class SmtpUsers implements UsernamePasswordValidator {
    private static final Logger log = LoggerFactory.getLogger(SmtpUsers.class);

    /** Checked for unknown users, so an answer takes as long as for a known one. */
    private static final String DECOY =
            "$pbkdf2-sha256$"
                    + PasswordHash.DEFAULT_ITERATIONS
                    + "$c2FsdHNhbHRzYWx0c2FsdA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";

    private final Map<String, String> hashes;
    private final String decoy;

    private SmtpUsers(Map<String, String> hashes) {
        this.hashes = Map.copyOf(hashes);
        this.decoy = hashes.values().stream().findFirst().orElse(DECOY);
    }

    /** {@code key}: where relay.conf named {@code file}. */
    static SmtpUsers load(Path file, String key) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (IOException e) {
            throw new ConfigException(List.of(key + ": \"" + file + "\" cannot be read: " + e));
        }
        Map<String, String> hashes = new HashMap<>();
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String where = key + ": \"" + file + "\" line " + (i + 1) + ": ";
            int colon = line.indexOf(':');
            if (colon <= 0) {
                problems.add(where + "is not user:hash");
                continue;
            }
            String user = line.substring(0, colon);
            // the hash itself is not repeated in the message
            Optional<String> bad = PasswordHash.problem(line.substring(colon + 1));
            bad.ifPresent(reason -> problems.add(where + "the hash for " + user + " " + reason));
            if (hashes.put(user, line.substring(colon + 1)) != null) {
                problems.add(where + user + " appears twice");
            }
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return new SmtpUsers(hashes);
    }

    int size() {
        return hashes.size();
    }

    @Override
    public void login(String username, String password, MessageContext context)
            throws LoginFailedException {
        String client =
                ((InetSocketAddress) context.getRemoteAddress()).getAddress().getHostAddress();
        String hash = hashes.get(username);
        boolean ok =
                PasswordHash.matches(hash == null ? decoy : hash, password.toCharArray())
                        && hash != null;
        if (!ok) {
            log.warn("AUTH failed for user \"{}\" from {}", PeerText.escape(username), client);
            throw new LoginFailedException();
        }
        log.info("AUTH succeeded for user \"{}\" from {}", PeerText.escape(username), client);
    }
}
