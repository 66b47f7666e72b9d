import io.mailseal.crypto.ContentEncryption;
import io.mailseal.crypto.CryptoProviders;
import io.mailseal.crypto.EnvelopeRecipient;
import io.mailseal.crypto.HeaderProtection;
import io.mailseal.crypto.KeyTransport;
import io.mailseal.crypto.MessageSealer;
import io.mailseal.crypto.SignatureStamp;
import io.mailseal.crypto.SigningIdentity;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * CPU per sealed message of the MIME + CMS path alone (sign, then encrypt to one RSA recipient,
 * then the bytes as spooled), in this JVM, without SMTP, spool, TSA or delivery: the figure the
 * one-pass MIME work changes, free of the noise of the end-to-end runs.
 *
 * <pre>java -cp target/mailseal.jar bench/SealLoad.java bank.p12 bank.pass recipient.pem msg.eml [WARMUP N]</pre>
 */
public class SealLoad {
    public static void main(String[] args) throws Exception {
        CryptoProviders.install();
        char[] password = Files.readString(Path.of(args[1])).strip().toCharArray();
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (var in = Files.newInputStream(Path.of(args[0]))) {
            ks.load(in, password);
        }
        String alias = ks.aliases().nextElement();
        Certificate[] chain = ks.getCertificateChain(alias);
        List<X509Certificate> intermediates = new ArrayList<>();
        for (int i = 1; i < chain.length; i++) {
            intermediates.add((X509Certificate) chain[i]);
        }
        SigningIdentity bank =
                new SigningIdentity(
                        (PrivateKey) ks.getKey(alias, password),
                        (X509Certificate) chain[0],
                        intermediates);
        X509Certificate customer;
        try (var in = Files.newInputStream(Path.of(args[2]))) {
            customer =
                    (X509Certificate)
                            CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
        byte[] mail = Files.readString(Path.of(args[3])).replace("\r\n", "\n").replace("\n", "\r\n").getBytes();
        int warmup = args.length > 4 ? Integer.parseInt(args[4]) : 20000;
        int n = args.length > 5 ? Integer.parseInt(args[5]) : 20000;
        Session session = Session.getInstance(new Properties());
        MessageSealer sealer = new MessageSealer();
        List<EnvelopeRecipient> to = List.of(new EnvelopeRecipient(customer, KeyTransport.RSA_OAEP));
        var threads = ManagementFactory.getThreadMXBean();
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long bytes = 0;
        for (int round = 0; round < 2; round++) {
            int count = round == 0 ? warmup : n;
            long cpu0 = threads.getCurrentThreadCpuTime(), proc0 = os.getProcessCpuTime(), t0 = System.nanoTime();
            for (int i = 0; i < count; i++) {
                MimeMessage original = new MimeMessage(session, new ByteArrayInputStream(mail));
                MimeMessage signed = sealer.sign(original, bank, SignatureStamp.NONE, HeaderProtection.NONE);
                bytes += MessageSealer.bytes(sealer.encrypt(signed, ContentEncryption.AES_256_CBC, to)).length;
            }
            long cpu = threads.getCurrentThreadCpuTime() - cpu0, proc = os.getProcessCpuTime() - proc0;
            System.out.printf("%s n=%d  thread %.1f us/msg  process %.1f us/msg  %.0f msg/s%n",
                    round == 0 ? "warm-up" : "measured", count, cpu / 1e3 / count, proc / 1e3 / count,
                    count / ((System.nanoTime() - t0) / 1e9));
        }
        System.out.println("sealed bytes " + bytes);
    }
}
