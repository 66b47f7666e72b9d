package io.mailseal.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mailseal.config.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PasswordHashTest {
    /**
     * Made by Python's hashlib.pbkdf2_hmac('sha256', 'pässword', b'mailseal-salt-16', 1000),
     * passlib's layout.
     */
    static final String PASSLIB_PBKDF2 =
            "$pbkdf2-sha256$1000$bWFpbHNlYWwtc2FsdC0xNg$yT8C/5XUSvClVozjnE.hkD48tgkNaLGzBfhcZtHrGmw";

    /** OpenBSD's bcrypt test vector for "U*U". */
    static final String OPENBSD_BCRYPT =
            "$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW";

    @TempDir Path dir;

    @Test
    void readsHashesOtherToolsWrote() {
        assertThat(PasswordHash.matches(PASSLIB_PBKDF2, "pässword".toCharArray())).isTrue();
        assertThat(PasswordHash.matches(PASSLIB_PBKDF2, "password".toCharArray())).isFalse();
        assertThat(PasswordHash.matches(OPENBSD_BCRYPT, "U*U".toCharArray())).isTrue();
        assertThat(PasswordHash.matches(OPENBSD_BCRYPT, "U*V".toCharArray())).isFalse();
    }

    @Test
    void newHashesCarryTheirSaltAndCost() {
        SecureRandom random = new SecureRandom();
        String a = PasswordHash.pbkdf2("s3cret".toCharArray(), 2000, random);
        String b = PasswordHash.pbkdf2("s3cret".toCharArray(), 2000, random);
        assertThat(a).startsWith("$pbkdf2-sha256$2000$").isNotEqualTo(b);
        assertThat(PasswordHash.matches(a, "s3cret".toCharArray())).isTrue();
        assertThat(PasswordHash.matches(b, "s3cret!".toCharArray())).isFalse();
        String c = PasswordHash.bcrypt("s3cret".toCharArray(), 4, random);
        assertThat(c).startsWith("$2b$04$");
        assertThat(PasswordHash.matches(c, "s3cret".toCharArray())).isTrue();
    }

    @Test
    void malformedHashesNeverMatchAndAreNamed() {
        for (String bad :
                new String[] {
                    "",
                    "plain",
                    "$pbkdf2-sha256$10$c2FsdHNhbHQ$AAAA",
                    "$2b$12$short",
                    "$pbkdf2-sha256$x$y$z",
                    PASSLIB_PBKDF2 + "$extra"
                }) {
            assertThat(PasswordHash.problem(bad)).as(bad).isPresent();
            assertThat(PasswordHash.matches(bad, "".toCharArray())).isFalse();
        }
    }

    @Test
    void usersFileProblemsNameTheLineButNotTheHash() throws Exception {
        Path file =
                Files.writeString(
                        dir.resolve("users"),
                        """
                # bank MTAs
                mta1:%s

                mta2:{PLAIN}secret-hash-text
                no-colon-here
                mta1:%s
                """
                                .formatted(PASSLIB_PBKDF2, OPENBSD_BCRYPT));
        assertThatThrownBy(() -> SmtpUsers.load(file, "mailseal.smtp.auth.users-file"))
                .isInstanceOfSatisfying(
                        ConfigException.class,
                        e -> {
                            assertThat(e.problems())
                                    .hasSize(3)
                                    .allSatisfy(
                                            p ->
                                                    assertThat(p)
                                                            .startsWith(
                                                                    "mailseal.smtp.auth.users-file: \""
                                                                            + file
                                                                            + "\" line ")
                                                            .doesNotContain("secret-hash-text"));
                            assertThat(e.problems().get(0))
                                    .contains("line 4: the hash for mta2 is neither");
                            assertThat(e.problems().get(1)).contains("line 5: is not user:hash");
                            assertThat(e.problems().get(2)).contains("line 6: mta1 appears twice");
                        });
        Files.writeString(file, "mta1:" + PASSLIB_PBKDF2 + "\nmta2:" + OPENBSD_BCRYPT + "\n");
        assertThat(SmtpUsers.load(file, "mailseal.smtp.auth.users-file").size()).isEqualTo(2);
    }
}
