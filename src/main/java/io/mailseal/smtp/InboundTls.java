package io.mailseal.smtp;

import io.mailseal.config.ConfigException;
import io.mailseal.config.SmtpConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.subethamail.smtp.server.SSLSocketCreator;

/**
 * STARTTLS for the intake (RFC 3207) from {@code smtp.tls}: a PEM certificate chain and its
 * unencrypted PEM key. TLS 1.2 and 1.3 only, and only forward-secret AEAD suites (RFC 9325 §4.2) —
 * unlike SubEthaSMTP's own factory, which enables every suite the JDK has.
 */
final class InboundTls implements SSLSocketCreator {
    private static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");
    private static final Pattern STRONG_SUITES =
            Pattern.compile(
                    "TLS_(AES_(128|256)_GCM_SHA(256|384)|CHACHA20_POLY1305_SHA256)"
                            + "|TLS_ECDHE_(ECDSA|RSA)_WITH_(AES_(128|256)_GCM_SHA(256|384)|CHACHA20_POLY1305_SHA256)");
    private static final String REJECT_RENEGOTIATION = "jdk.tls.rejectClientInitiatedRenegotiation";

    static {
        // TLS 1.3 has no renegotiation; TLS 1.2 lets a client ask for one handshake after another
        // (CPU the client chooses to spend, and the ground of CVE-2009-3555). The JDK refuses it
        // with this property, which it reads once, at the first server-side handshake of the JVM.
        if (System.getProperty(REJECT_RENEGOTIATION) == null) {
            System.setProperty(REJECT_RENEGOTIATION, "true");
        }
    }

    private final SSLContext context;
    private final String[] suites;
    private final String[] protocols;

    private InboundTls(SSLContext context) {
        this.context = context;
        SSLParameters defaults = context.getDefaultSSLParameters();
        // the JDK's default order is strongest first; keep it, drop the rest
        this.suites =
                Arrays.stream(defaults.getCipherSuites())
                        .filter(s -> STRONG_SUITES.matcher(s).matches())
                        .toArray(String[]::new);
        this.protocols =
                Arrays.stream(context.getSupportedSSLParameters().getProtocols())
                        .filter(PROTOCOLS::contains)
                        .toArray(String[]::new);
    }

    /** {@code key}: where relay.conf gave {@code tls}, e.g. {@code mailseal.smtp.tls}. */
    static InboundTls load(SmtpConfig.Tls tls, String key) {
        List<X509Certificate> chain;
        try (InputStream in = Files.newInputStream(tls.certificate())) {
            chain =
                    CertificateFactory.getInstance("X.509").generateCertificates(in).stream()
                            .map(X509Certificate.class::cast)
                            .toList();
        } catch (IOException | GeneralSecurityException e) {
            throw new ConfigException(
                    List.of(key + ".certificate: \"" + tls.certificate() + "\" " + e.getMessage()));
        }
        if (chain.isEmpty()) {
            throw new ConfigException(
                    List.of(
                            key
                                    + ".certificate: \""
                                    + tls.certificate()
                                    + "\" holds no certificate"));
        }
        PrivateKey privateKey = privateKey(key + ".key", tls.key());
        if (!matches(privateKey, chain.get(0))) {
            throw new ConfigException(
                    List.of(
                            key
                                    + ".key: \""
                                    + tls.key()
                                    + "\" is not the key of "
                                    + key
                                    + ".certificate's first certificate"));
        }
        try {
            char[] transientPassword = new char[0];
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry(
                    "smtp", privateKey, transientPassword, chain.toArray(new Certificate[0]));
            KeyManagerFactory keys =
                    KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(store, transientPassword);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys.getKeyManagers(), null, new SecureRandom());
            return new InboundTls(context);
        } catch (IOException | GeneralSecurityException e) {
            throw new ConfigException(List.of(key + ": cannot set up TLS: " + e.getMessage()));
        }
    }

    /** A PKCS#8 or traditional RSA / EC PEM key; an encrypted key cannot be read unattended. */
    private static PrivateKey privateKey(String key, Path file) {
        try (Reader r = Files.newBufferedReader(file);
                PEMParser pem = new PEMParser(r)) {
            Object o = pem.readObject();
            JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
            if (o instanceof PEMKeyPair pair) {
                return converter.getKeyPair(pair).getPrivate();
            }
            if (o instanceof PrivateKeyInfo info) {
                return converter.getPrivateKey(info);
            }
            throw new ConfigException(
                    List.of(key + ": \"" + file + "\" holds no unencrypted PEM private key"));
        } catch (IOException e) {
            throw new ConfigException(
                    List.of(key + ": \"" + file + "\" cannot be read: " + e.getMessage()));
        }
    }

    /**
     * Signs and verifies a probe: a key that is not the certificate's would fail every handshake.
     */
    private static boolean matches(PrivateKey key, X509Certificate certificate) {
        String algorithm = "EC".equals(key.getAlgorithm()) ? "SHA256withECDSA" : "SHA256withRSA";
        try {
            byte[] probe =
                    "mailseal smtp.tls key check"
                            .getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(certificate.getPublicKey());
            verifier.update(probe);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    @Override
    public SSLSocket createSSLSocket(Socket socket) throws IOException {
        // the peer's address as a string: no reverse DNS lookup, unlike the library's default
        SSLSocket tls =
                (SSLSocket)
                        context.getSocketFactory()
                                .createSocket(
                                        socket,
                                        socket.getInetAddress().getHostAddress(),
                                        socket.getPort(),
                                        true);
        tls.setUseClientMode(false);
        SSLParameters p = tls.getSSLParameters();
        p.setProtocols(protocols);
        p.setCipherSuites(suites);
        p.setUseCipherSuitesOrder(true);
        tls.setSSLParameters(p);
        return tls;
    }
}
