package io.mailseal.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class SmtpPasswdCommandTest {
    @TempDir
    Path dir;

    private String[] run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int exit = cl.execute(args);
        return new String[] {Integer.toString(exit), out.toString(), err.toString()};
    }

    @Test
    void printsAUsersFileLineThatTheRelayReads() throws Exception {
        Path pw = Files.writeString(dir.resolve("pw"), "s3cret pass\nignored\n");
        String[] pbkdf2 = run("smtp-passwd", "--password-file", pw.toString(), "--iterations", "1000", "mta1");
        assertThat(pbkdf2[0]).isEqualTo("0");
        assertThat(pbkdf2[1]).matches("mta1:\\$pbkdf2-sha256\\$1000\\$[./A-Za-z0-9]{22}\\$[./A-Za-z0-9]{43}\\n");
        String[] bcrypt = run("smtp-passwd", "--password-file", pw.toString(), "--bcrypt", "--cost", "4", "mta2");
        assertThat(bcrypt[1]).startsWith("mta2:$2b$04$");
        Path users = Files.writeString(dir.resolve("users"), pbkdf2[1] + bcrypt[1]);
        assertThat(io.mailseal.smtp.PasswordHashProbe.matches(users, "mta1", "s3cret pass")).isTrue();
        assertThat(io.mailseal.smtp.PasswordHashProbe.matches(users, "mta2", "s3cret pass")).isTrue();
        assertThat(io.mailseal.smtp.PasswordHashProbe.matches(users, "mta2", "s3cret")).isFalse();
    }

    @Test
    void refusesBadInputWithoutAHash() throws Exception {
        Path empty = Files.writeString(dir.resolve("empty"), "\n");
        Path pw = Files.writeString(dir.resolve("pw"), "x\n");
        assertThat(run("smtp-passwd", "--password-file", empty.toString(), "u")[2]).contains("the password is empty");
        assertThat(run("smtp-passwd", "--password-file", pw.toString(), "a:b")[2]).contains("without ':'");
        assertThat(run("smtp-passwd", "--password-file", pw.toString(), "--iterations", "10", "u")[2])
                .contains("at least 1000 iterations");
    }
}
