package io.mailseal.inbound;

import io.mailseal.certs.SignerTrust;
import io.mailseal.crypto.OpenedMessage;
import io.mailseal.crypto.SignatureFinding;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.security.auth.x500.X500Principal;

/**
 * Turns an opened message into its verdict: each signature that verifies is judged by {@link
 * SignerTrust} against the From address; a message that cannot be opened is one {@code permerror},
 * an unsigned one {@code none}.
 */
final class SignatureJudge {
    private final SignerTrust trust;

    SignatureJudge(SignerTrust trust) {
        this.trust = trust;
    }

    InboundVerdict judge(OpenedMessage opened, Optional<String> from) {
        boolean decrypted = opened.encrypted() && !opened.contentEncryption().isEmpty();
        List<SignatureVerdict> results = new ArrayList<>();
        opened.problem().ifPresent(p -> results.add(SignatureVerdict.of(SmimeResult.PERMERROR, p)));
        for (SignatureFinding f : opened.signatures()) {
            results.add(judge(f, from));
        }
        if (results.isEmpty()) {
            results.add(SignatureVerdict.of(SmimeResult.NONE, ""));
        }
        return new InboundVerdict(
                opened.encrypted(), decrypted, opened.contentEncryption(), results);
    }

    /** The signer's address that is the From address, else its first. */
    private static Optional<String> identifier(X509Certificate signer, Optional<String> from) {
        java.util.Set<String> addresses = SignerTrust.addresses(signer);
        return from.map(a -> a.toLowerCase(java.util.Locale.ROOT))
                .filter(addresses::contains)
                .or(() -> addresses.stream().findFirst());
    }

    private SignatureVerdict judge(SignatureFinding f, Optional<String> from) {
        if (f.signer().isEmpty()) {
            return SignatureVerdict.of(SmimeResult.FAIL, f.problem());
        }
        X509Certificate signer = f.signer().get();
        SmimeResult result;
        String reason;
        if (!f.verified()) {
            result = SmimeResult.FAIL;
            reason = f.problem();
        } else if (from.isEmpty()) {
            result = SmimeResult.FAIL;
            reason = "From names no single address to compare the signer with";
        } else {
            SignerTrust.Judgement j = trust.judge(signer, f.certificates(), from.get());
            if (j instanceof SignerTrust.Trusted) {
                result = SmimeResult.PASS;
                reason = "";
            } else if (j instanceof SignerTrust.Undetermined u) {
                result = SmimeResult.TEMPERROR;
                reason = u.reason();
            } else {
                result = SmimeResult.FAIL;
                reason = ((SignerTrust.Untrusted) j).reason();
            }
        }
        return new SignatureVerdict(
                result,
                reason,
                identifier(signer, from),
                f.part(),
                Optional.of(signer.getSerialNumber()),
                Optional.of(signer.getIssuerX500Principal().getName(X500Principal.RFC2253)));
    }
}
