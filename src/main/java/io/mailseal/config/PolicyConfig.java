package io.mailseal.config;

import io.mailseal.config.DeliveryConfig.TlsLevel;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One entry of {@code policies}: when it applies and what it does to the recipient.
 *
 * @param deliveryTls the TLS level its mail needs towards the next hop, when stricter than {@code
 *     delivery.tls} (a policy raises the level, never lowers it)
 * @param allowSignerMismatch its mail may be signed with a certificate that does not name its
 *     sender ({@code allow-signer-mismatch}); otherwise relay.conf is refused, since customers'
 *     clients warn when the signer's address is not the From address
 */
public record PolicyConfig(
        String name,
        Match match,
        Action action,
        TimestampMode timestamp,
        boolean protectHeaders,
        MissingCertificate onMissingCertificate,
        String outerSubject,
        List<TextPattern> hideHeaders,
        Optional<Duration> maxAge,
        Optional<TlsLevel> deliveryTls,
        boolean allowSignerMismatch) {

    /** The policy name DSNs are spooled and counted under; no policy of relay.conf may take it. */
    public static final String DSN = "dsn";

    public enum Action {
        ENCRYPT,
        SIGN,
        PASS,
        REJECT
    }

    public enum TimestampMode {
        REQUIRED,
        BEST_EFFORT,
        OFF
    }

    public enum MissingCertificate {
        REJECT,
        SIGN_ONLY
    }

    /**
     * Whether its mail is signed (and so timestamped as {@link #timestamp} says): encrypt or sign.
     */
    public boolean signs() {
        return action == Action.ENCRYPT || action == Action.SIGN;
    }

    /** Whether its mail cannot go out without a timestamp (451 while every TSA is down). */
    public boolean requiresTimestamp() {
        return signs() && timestamp == TimestampMode.REQUIRED;
    }

    /** All given conditions must hold; an empty match matches every recipient. */
    public record Match(
            Optional<TextPattern> from,
            Optional<TextPattern> headerFrom,
            Optional<TextPattern> to,
            Optional<TextPattern> subject,
            List<HeaderCondition> headers) {

        public boolean isEmpty() {
            return from.isEmpty()
                    && headerFrom.isEmpty()
                    && to.isEmpty()
                    && subject.isEmpty()
                    && headers.isEmpty();
        }
    }

    public record HeaderCondition(String name, TextPattern value) {}

    /**
     * As written in relay.conf: a glob ({@code *@bank.example}, whole value, case-insensitive) or a
     * regex (searched anywhere in the value, like grep; anchor it with ^ and $).
     */
    public record TextPattern(String text, Pattern pattern) {

        public boolean matches(String value) {
            return value != null && pattern.matcher(value).find();
        }
    }
}
