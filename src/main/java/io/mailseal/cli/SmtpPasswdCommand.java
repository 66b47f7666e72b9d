package io.mailseal.cli;

import io.mailseal.smtp.PasswordHash;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
        name = "smtp-passwd",
        description =
                "Print a USER:HASH line for smtp.auth.users-file "
                        + "(PBKDF2-HMAC-SHA256 by default, or bcrypt). The password is asked for on the terminal "
                        + "or read from the first line of --password-file.")
final class SmtpPasswdCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "USER")
    String user;

    @Option(
            names = "--password-file",
            description = "read the password from this file's first line")
    Path passwordFile;

    @Option(names = "--bcrypt", description = "bcrypt ($2b$) instead of PBKDF2")
    boolean bcrypt;

    @Option(names = "--iterations", description = "PBKDF2 iterations (default ${DEFAULT-VALUE})")
    int iterations = PasswordHash.DEFAULT_ITERATIONS;

    @Option(names = "--cost", description = "bcrypt cost (default ${DEFAULT-VALUE})")
    int cost = PasswordHash.DEFAULT_BCRYPT_COST;

    @Spec CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        if (user.isEmpty() || user.contains(":") || user.strip().length() != user.length()) {
            throw new ParameterException(
                    spec.commandLine(), "USER must be non-empty, without ':' or outer spaces");
        }
        char[] password = password();
        if (password.length == 0) {
            throw new ParameterException(spec.commandLine(), "the password is empty");
        }
        try {
            SecureRandom random = new SecureRandom();
            String hash =
                    bcrypt
                            ? PasswordHash.bcrypt(password, cost, random)
                            : PasswordHash.pbkdf2(password, iterations, random);
            spec.commandLine().getOut().println(user + ":" + hash);
            return 0;
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        } finally {
            Arrays.fill(password, '\0');
        }
    }

    private char[] password() throws IOException {
        if (passwordFile != null) {
            return Files.readAllLines(passwordFile, StandardCharsets.UTF_8).stream()
                    .findFirst()
                    .orElse("")
                    .toCharArray();
        }
        if (System.console() == null) {
            throw new ParameterException(
                    spec.commandLine(), "no terminal to ask for the password: use --password-file");
        }
        char[] first = System.console().readPassword("password for %s: ", user);
        char[] again = System.console().readPassword("again: ");
        if (first == null || !Arrays.equals(first, again)) {
            throw new ParameterException(spec.commandLine(), "the passwords differ");
        }
        return first;
    }
}
