package io.mailseal.it;

import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * The S/MIME engine of a family of mail clients, driven through its own command-line tool: what it
 * opens and verifies is what those clients open and verify.
 */
interface ReaderEngine extends AutoCloseable {

    /**
     * What the engine did with a message: the bytes it produced, or its own reason for refusing.
     */
    sealed interface Outcome {
        record Done(byte[] bytes) implements Outcome {}

        record Refused(String reason) implements Outcome {}
    }

    /** e.g. "NSS"; also the column heading of the matrix. */
    String name();

    /** The version as the installed tool reports it. */
    String version() throws Exception;

    /** The mail clients built on this engine. */
    String clients();

    /**
     * Decrypts a delivered message (.eml) with the customer's key: the entity inside, or why not.
     */
    Outcome open(Path eml, String customer) throws Exception;

    /** Verifies a multipart/signed entity against the demo CA: the signed content, or why not. */
    Outcome verify(byte[] signedEntity) throws Exception;

    /**
     * Decrypts and verifies, failing the test when either step is refused; returns the signed
     * content.
     */
    default byte[] decryptAndVerify(Path eml, String customer) throws Exception {
        return done(verify(done(open(eml, customer), "decrypt")), "verify");
    }

    private byte[] done(Outcome o, String step) {
        if (o instanceof Outcome.Done d) {
            return d.bytes();
        }
        throw new AssertionError(
                name() + " refused to " + step + ": " + ((Outcome.Refused) o).reason());
    }

    /**
     * Narrower than AutoCloseable's {@code throws Exception}: a close that is interrupted says so
     * as an IOException.
     */
    @Override
    default void close() throws IOException {}

    /**
     * The CMS object (DER) inside an application/pkcs7-mime message, for tools that take no MIME.
     */
    static Path envelopeDer(Path eml, Path out) throws Exception {
        MimeMessage m =
                new MimeMessage(Session.getInstance(new Properties()), Files.newInputStream(eml));
        try (InputStream der = m.getInputStream()) {
            return Files.write(out, der.readAllBytes());
        }
    }
}
