package io.mailseal.smtp;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** For tests outside this package: does a users file (loaded as the relay loads it) accept a password? */
public final class PasswordHashProbe {
    private PasswordHashProbe() {
    }

    public static boolean matches(Path usersFile, String user, String password) throws IOException {
        SmtpUsers.load(usersFile); // the relay would start with this file
        return Files.readAllLines(usersFile).stream().filter(l -> l.startsWith(user + ":")).findFirst()
                .map(l -> PasswordHash.matches(l.substring(user.length() + 1), password.toCharArray()))
                .orElse(false);
    }
}
