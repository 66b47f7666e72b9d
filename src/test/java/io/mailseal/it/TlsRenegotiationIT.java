package io.mailseal.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import javax.net.ssl.SSLSession;
import org.junit.jupiter.api.Test;

/**
 * A TLS 1.2 client asking the intake for one handshake after another: the relay process (a JVM of
 * its own, so the JDK reads the setting at its first server handshake) refuses the second.
 */
class TlsRenegotiationIT extends IntakeAttackIT {

    @Test
    void clientInitiatedRenegotiationIsRefused() throws Exception {
        IntakeCertificate.write(world, dir);
        start(IntakeCertificate.TLS);
        try (SmtpDialog s = new SmtpDialog(smtp)) {
            s.hello();
            assertThat(s.command("STARTTLS")).startsWith("220");
            SSLSession tls =
                    s.startTls(
                            IntakeCertificate.client(world, "TLSv1.2"),
                            IntakeCertificate.SERVER_NAME);
            assertThat(tls.getProtocol()).isEqualTo("TLSv1.2");
            assertThat(s.command("EHLO bank.example")).startsWith("250");
            assertThatThrownBy(
                            () -> {
                                s.renegotiate();
                                s.command("NOOP");
                            })
                    .isInstanceOf(IOException.class);
        }
        controlOtpArrives();
    }
}
