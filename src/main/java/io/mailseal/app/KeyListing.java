package io.mailseal.app;

import io.mailseal.certs.SigningIdentities;
import io.mailseal.certs.SigningKey;
import io.mailseal.config.ConfigException;
import io.mailseal.config.IdentityConfig;
import io.mailseal.config.IdentityConfig.KeySource;
import io.mailseal.config.RelayConfig;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code mailseal keys list}: every identity's keys, where each lives (file or token/label), its
 * certificate's subject and validity, which one signs now, and whether a test signature with it
 * verifies. A key that cannot be opened is listed with why, not a stop.
 */
public final class KeyListing {
    /** One key; {@code problem} empty when the test signature verified. */
    public record Line(
            String identity,
            String location,
            Optional<X509Certificate> certificate,
            boolean active,
            Optional<String> problem) {}

    private KeyListing() {}

    public static List<Line> list(RelayConfig config, Clock clock) {
        RelayAssembly.prepareJvm();
        Instant now = clock.instant();
        List<Line> lines = new ArrayList<>();
        for (IdentityConfig identity : config.identities()) {
            String who = identity.address().or(identity::domain).orElse("?");
            List<SigningKey> opened = new ArrayList<>();
            List<Line> failed = new ArrayList<>();
            for (KeySource source : identity.keys()) {
                try {
                    opened.add(SigningIdentities.openKey(identity, source, clock, token -> {}));
                } catch (ConfigException e) {
                    failed.add(
                            new Line(
                                    who,
                                    source.location(),
                                    Optional.empty(),
                                    false,
                                    Optional.of(String.join("; ", e.problems()))));
                }
            }
            SigningKey active =
                    opened.isEmpty()
                            ? null
                            : new SigningIdentities.Entry(identity, opened).active(now);
            for (SigningKey k : opened) {
                lines.add(
                        new Line(
                                who,
                                k.source().location(),
                                Optional.of(k.certificate()),
                                k == active,
                                KeyProbe.problem(k)));
            }
            lines.addAll(failed);
        }
        return lines;
    }
}
