package io.mailseal.delivery;

import io.mailseal.config.DeliveryConfig.TlsLevel;
import io.mailseal.config.PolicyConfig;
import io.mailseal.spool.SpooledMessage;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The TLS level a message is sent at: the stricter of {@code delivery.tls} (read at start) and its
 * policy's {@code delivery-tls} (followed across reloads). A policy that a reload removed or
 * renamed keeps its level for the messages queued under it, and a message also keeps the level
 * recorded when it was accepted, across restarts; a name never configured (mail no policy matched)
 * gets {@code delivery.tls}. DSNs go at {@code delivery.dsn-tls}, by default {@code delivery.tls}:
 * they go back to the bank's own MTA (the sender of the bounced mail) and carry only its outer
 * headers — the Subject of protected mail is {@code [...]}, the body is not quoted — so they need
 * not wait for the TLS a policy asks of the hop to customers.
 */
public final class TlsLevels {
    private final TlsLevel global;
    private final TlsLevel dsn;
    private final Map<String, TlsLevel> byPolicy = new ConcurrentHashMap<>();

    /** DSNs at {@code global}. */
    public TlsLevels(TlsLevel global, List<PolicyConfig> policies) {
        this(global, global, policies);
    }

    /** DSNs at {@code dsn} ({@code delivery.dsn-tls}), or {@code global} if that is stricter. */
    public TlsLevels(TlsLevel global, TlsLevel dsn, List<PolicyConfig> policies) {
        this.global = global;
        this.dsn = dsn.compareTo(global) > 0 ? dsn : global;
        follow(policies);
    }

    /** Takes the policies of a reloaded relay.conf; call it before they decide any message. */
    public void follow(List<PolicyConfig> policies) {
        for (PolicyConfig p : policies) {
            TlsLevel own = p.deliveryTls().orElse(global);
            // relay.conf refuses a lower one; the file may carry another delivery.tls than the one
            // running
            byPolicy.put(p.name(), own.compareTo(global) > 0 ? own : global);
        }
    }

    /**
     * The level for {@code m}: its policy's now, or what the policy asked when it was accepted,
     * whichever is stricter (a level not understood counts as verify: fail closed).
     */
    TlsLevel forMessage(SpooledMessage m) {
        TlsLevel now = forPolicy(m.policy());
        if (m.minimumTls().isEmpty()) {
            return now;
        }
        TlsLevel accepted =
                Arrays.stream(TlsLevel.values())
                        .filter(l -> l.name().equals(m.minimumTls()))
                        .findFirst()
                        .orElse(TlsLevel.VERIFY);
        return accepted.compareTo(now) > 0 ? accepted : now;
    }

    /**
     * What {@code dane} falls back to where a host has no secure TLSA records: {@code
     * delivery.tls}, or {@code may} (as Postfix's {@code dane}) when that is {@code dane} itself.
     */
    TlsLevel withoutDane() {
        return global == TlsLevel.DANE ? TlsLevel.MAY : global;
    }

    TlsLevel forPolicy(String policy) {
        if (PolicyConfig.DSN.equals(policy)) {
            return dsn;
        }
        return byPolicy.getOrDefault(policy, global);
    }
}
