package io.mailseal.cli;

import io.mailseal.certs.SigningIdentities;
import io.mailseal.certs.TrustAnchors;
import io.mailseal.config.IdentityConfig;
import io.mailseal.crypto.Inspection;
import io.mailseal.crypto.SealedMessageReader;
import io.mailseal.crypto.SealedMessageReader.DecryptionKey;
import io.mailseal.crypto.SigningIdentity;
import io.mailseal.crypto.TimestampVerifier;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.TrustAnchor;
import java.util.Date;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Callable;
import org.bouncycastle.tsp.TimeStampTokenInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
        name = "verify",
        description =
                "Decrypt, verify signature, chain and timestamp of a message; "
                        + "exit 0 when valid, 1 when not.")
final class VerifyCommand implements Callable<Integer> {
    @Parameters(index = "0", description = "message.eml")
    Path message;

    @Option(names = "--key", description = "recipient's PKCS#12 keystore, to decrypt")
    Path key;

    @Option(
            names = "--password-env",
            description = "environment variable holding the keystore password")
    String passwordEnv;

    @Option(names = "--password-file", description = "file holding the keystore password")
    Path passwordFile;

    @Option(
            names = "--trust",
            description = "CA certificate(s) trusted for the signer (PEM file or directory)")
    Path trust;

    @Option(
            names = "--tsa-trust",
            description = "CA certificate(s) trusted for the timestamp authority; default: --trust")
    Path tsaTrust;

    @Spec CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Optional<DecryptionKey> decryption = Optional.empty();
        if (key != null) {
            IdentityConfig.PasswordSource pw =
                    passwordFile != null
                            ? new IdentityConfig.FromFile(passwordFile)
                            : new IdentityConfig.FromEnvironment(
                                    passwordEnv == null ? "MAILSEAL_KEY_PASSWORD" : passwordEnv);
            SigningIdentity id =
                    SigningIdentities.openKeystore(new IdentityConfig.Keystore("--key", key, pw));
            decryption = Optional.of(new DecryptionKey(id.privateKey(), id.certificate()));
        }
        Set<TrustAnchor> anchors = trust == null ? Set.of() : TrustAnchors.load("--trust", trust);
        MimeMessage msg;
        try (InputStream in = Files.newInputStream(message)) {
            msg = new MimeMessage(Session.getInstance(new Properties()), in);
        }
        Inspection i = new SealedMessageReader().inspect(msg, decryption, anchors, new Date());
        out.printf("message:    %s%n", message);
        out.printf(
                "encrypted:  %s%n",
                i.encrypted()
                        ? "yes, " + i.contentEncryption() + ", key " + i.keyManagement()
                        : "no");
        out.printf(
                "signed:     %s%n",
                i.signed() ? "yes, " + i.digestAlgorithm() + " / " + i.signatureAlgorithm() : "no");
        if (i.signed()) {
            out.printf("signer:     %s <%s>%n", i.signer(), i.signerEmail());
            out.printf(
                    "signature:  %s, chain %s%n",
                    i.signatureValid() ? "valid" : "INVALID",
                    i.chainValid() ? "trusted" : "not trusted");
            i.signingTime().ifPresent(t -> out.printf("signed at:  %s (signer's clock)%n", t));
        }
        boolean timestampOk =
                printTimestamp(
                        out,
                        i,
                        tsaTrust == null ? anchors : TrustAnchors.load("--tsa-trust", tsaTrust));
        i.problems().forEach(p -> out.printf("problem:    %s%n", p));
        boolean valid = i.valid() && timestampOk;
        out.printf("verdict:    %s%n", valid ? "VALID" : "NOT VALID");
        return valid ? 0 : 1;
    }

    private static boolean printTimestamp(PrintWriter out, Inspection i, Set<TrustAnchor> anchors) {
        if (i.timestamp().isEmpty()) {
            out.printf("timestamp:  none%n");
            return true;
        }
        TimeStampTokenInfo info = i.timestamp().get().getTimeStampInfo();
        out.printf(
                "timestamp:  genTime %s, TSA %s, policy %s%n",
                info.getGenTime().toInstant(),
                info.getTsa() == null
                        ? i.timestamp().get().getSID().getIssuer()
                        : info.getTsa().getName(),
                info.getPolicy().getId());
        try {
            new TimestampVerifier(anchors).verify(i.timestamp().get(), i.signatureValue());
            out.printf("            valid, covers the signature%n");
            return true;
        } catch (org.bouncycastle.tsp.TSPException e) {
            out.printf("            NOT VALID: %s%n", e.getMessage());
            return false;
        }
    }
}
