package io.mailseal.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailseal.testing.ExternalTool;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.cms.Attribute;
import org.bouncycastle.asn1.cms.ContentInfo;
import org.bouncycastle.asn1.cms.SignedData;
import org.bouncycastle.asn1.cms.SignerInfo;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;

/**
 * CAdES-T checked by openssl: the signature is pulled out of the decrypted S/MIME by {@code openssl
 * cms -cmsout}, the token found in its unsigned attributes, and {@code openssl ts -verify} checks
 * it over the signature value against the TSA's CA.
 */
final class TimestampCheck {
    private static final Pattern TIME = Pattern.compile("Time stamp: (.+ GMT)");

    private TimestampCheck() {}

    static void opensslVerifiesToken(Path dir, Path signedEml, Instant sentAround)
            throws Exception {
        Path sig = Path.of(signedEml + ".p7s.der");
        ExternalTool.ok(
                dir,
                "openssl",
                "cms",
                "-cmsout",
                "-in",
                signedEml.toString(),
                "-inform",
                "SMIME",
                "-outform",
                "DER",
                "-out",
                sig.toString());
        SignedData sd =
                SignedData.getInstance(
                        ContentInfo.getInstance(ASN1Sequence.getInstance(Files.readAllBytes(sig)))
                                .getContent());
        SignerInfo si = SignerInfo.getInstance(sd.getSignerInfos().getObjectAt(0));
        assertThat(si.getUnauthenticatedAttributes()).as("unsigned attributes").isNotNull();
        Attribute stamp = null;
        for (int i = 0; i < si.getUnauthenticatedAttributes().size(); i++) {
            Attribute a = Attribute.getInstance(si.getUnauthenticatedAttributes().getObjectAt(i));
            if (a.getAttrType().equals(PKCSObjectIdentifiers.id_aa_signatureTimeStampToken)) {
                stamp = a;
            }
        }
        assertThat(stamp).as("id-aa-signatureTimeStampToken").isNotNull();
        Path token =
                Files.write(
                        Path.of(signedEml + ".tst"),
                        stamp.getAttrValues().getObjectAt(0).toASN1Primitive().getEncoded("DER"));
        Path data =
                Files.write(Path.of(signedEml + ".sigvalue"), si.getEncryptedDigest().getOctets());
        String out =
                ExternalTool.ok(
                        dir,
                        "openssl",
                        "ts",
                        "-verify",
                        "-data",
                        data.toString(),
                        "-in",
                        token.toString(),
                        "-token_in",
                        "-CAfile",
                        "certs/tsa/ca.pem");
        assertThat(out).contains("Verification: OK");
        String text =
                ExternalTool.ok(
                        dir,
                        "openssl",
                        "ts",
                        "-reply",
                        "-in",
                        token.toString(),
                        "-token_in",
                        "-text");
        Matcher m = TIME.matcher(text);
        assertThat(m.find()).as("genTime in %s", text).isTrue();
        Instant genTime =
                java.time.ZonedDateTime.parse(
                                m.group(1).replaceAll("\\s+", " "),
                                DateTimeFormatter.ofPattern(
                                                "MMM d HH:mm:ss[.SSS] yyyy 'GMT'", Locale.ROOT)
                                        .withZone(ZoneOffset.UTC))
                        .toInstant();
        assertThat(Duration.between(genTime, sentAround).abs()).isLessThan(Duration.ofSeconds(60));
    }
}
