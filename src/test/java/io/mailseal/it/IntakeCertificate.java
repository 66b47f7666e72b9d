package io.mailseal.it;

import io.mailseal.demo.DemoPki.Issued;
import io.mailseal.demo.DemoPki.KeyKind;
import io.mailseal.demo.DemoWorld;
import io.mailseal.demo.PkiFiles;
import java.nio.file.Path;
import java.security.KeyStore;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;

/**
 * The intake's STARTTLS certificate for tests, issued by the world's CA, and a client trusting it.
 */
final class IntakeCertificate {
    static final String SERVER_NAME = "mailseal.demo.invalid";

    /** The smtp HOCON that uses the files {@link #write} wrote. */
    static final String TLS = "tls { certificate = \"keys/smtp.crt\", key = \"keys/smtp.key\" }";

    private IntakeCertificate() {}

    /** Writes keys/smtp.crt (with the CA) and keys/smtp.key under {@code dir}. */
    static void write(DemoWorld world, Path dir) throws Exception {
        Issued server =
                world.pki()
                        .certificate(null, KeyKind.RSA)
                        .commonName(SERVER_NAME)
                        .eku(KeyPurposeId.id_kp_serverAuth)
                        .keyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment)
                        .build();
        PkiFiles.writeCertificate(
                dir.resolve("keys/smtp.crt"), server.certificate(), world.pki().ca().certificate());
        PkiFiles.writePrivateKey(dir.resolve("keys/smtp.key"), server);
    }

    /** A client trusting only the world's CA, speaking {@code protocol} ("TLS": the newest). */
    static SSLSocketFactory client(DemoWorld world, String protocol) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("demo-ca", world.pki().ca().certificate());
        TrustManagerFactory tmf =
                TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ctx = SSLContext.getInstance(protocol);
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx.getSocketFactory();
    }
}
