package io.mailseal.certs;

import com.unboundid.ldap.sdk.Attribute;
import com.unboundid.ldap.sdk.BindRequest;
import com.unboundid.ldap.sdk.FailoverServerSet;
import com.unboundid.ldap.sdk.Filter;
import com.unboundid.ldap.sdk.LDAPConnectionOptions;
import com.unboundid.ldap.sdk.LDAPConnectionPool;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.SearchRequest;
import com.unboundid.ldap.sdk.SearchResultEntry;
import com.unboundid.ldap.sdk.SearchScope;
import com.unboundid.ldap.sdk.SimpleBindRequest;
import io.mailseal.config.CertificatesConfig.LdapSource;
import io.mailseal.text.PeerText;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.net.SocketFactory;
import javax.net.ssl.SSLSocketFactory;

/**
 * Certificates from an LDAP directory (RFC 4523 attributes userSMIMECertificate /
 * userCertificate;binary). The address is escaped per RFC 4515 before it enters the filter.
 * Connections are pooled; servers are tried in order. Any LDAP error is Unavailable — a directory
 * outage is never "this customer has no certificate".
 */
public final class LdapCertificateSource implements CertificateSource, AutoCloseable {
    private final LdapSource config;
    private final LDAPConnectionPool pool;
    private final LdapSearch search;

    public LdapCertificateSource(LdapSource config) throws IOException {
        this.config = config;
        String[] hosts = new String[config.urls().size()];
        int[] ports = new int[hosts.length];
        boolean ldaps = false;
        for (int i = 0; i < hosts.length; i++) {
            URI u = config.urls().get(i);
            ldaps |= "ldaps".equals(u.getScheme());
            hosts[i] = u.getHost();
            ports[i] = u.getPort() > 0 ? u.getPort() : ("ldaps".equals(u.getScheme()) ? 636 : 389);
        }
        LDAPConnectionOptions options = new LDAPConnectionOptions();
        int millis = (int) config.timeout().toMillis();
        options.setConnectTimeoutMillis(millis);
        options.setResponseTimeoutMillis(millis);
        SocketFactory sockets = ldaps ? SSLSocketFactory.getDefault() : SocketFactory.getDefault();
        try {
            BindRequest bind =
                    config.bindDn().isPresent()
                            ? new SimpleBindRequest(
                                    config.bindDn().get(),
                                    new String(config.bindPassword().orElseThrow().read()))
                            : null;
            // throwOnConnectFailure=false: the relay starts while the directory is down and
            // recovers by itself
            this.pool =
                    new LDAPConnectionPool(
                            new FailoverServerSet(hosts, ports, sockets, options),
                            bind,
                            1,
                            config.maxConnections(),
                            null,
                            false);
            this.search = new LdapSearch(pool, config.timeout());
        } catch (LDAPException e) {
            throw new IOException(
                    "LDAP pool for " + config.urls() + ": " + PeerText.escape(e.getMessage()), e);
        }
    }

    @Override
    public String name() {
        return "ldap:" + config.urls().get(0);
    }

    @Override
    public Lookup lookup(String address) {
        try {
            Filter filter =
                    Filter.create(
                            config.filter().replace("{address}", Filter.encodeValue(address)));
            SearchRequest req =
                    new SearchRequest(
                            config.baseDn(),
                            SearchScope.SUB,
                            filter,
                            config.attributes().toArray(new String[0]));
            req.setTimeLimitSeconds((int) Math.max(1, config.timeout().toSeconds()));
            req.setSizeLimit(20);
            List<X509Certificate> certs = new ArrayList<>();
            CertificateFactory cf = CertificateFactory.getInstance("X.509");
            for (SearchResultEntry entry : search.entries(req)) {
                for (String name : config.attributes()) {
                    Attribute a = entry.getAttribute(name);
                    if (a == null) {
                        continue;
                    }
                    for (byte[] der : a.getValueByteArrays()) {
                        certs.add(
                                (X509Certificate)
                                        cf.generateCertificate(new ByteArrayInputStream(der)));
                    }
                }
            }
            return certs.isEmpty() ? new Lookup.NotFound() : new Lookup.Found(certs);
        } catch (LDAPException e) {
            return new Lookup.Unavailable(
                    "LDAP "
                            + config.urls()
                            + " "
                            + e.getResultCode()
                            + ": "
                            + PeerText.escape(e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Lookup.Unavailable("LDAP search for " + config.urls() + ": interrupted");
        } catch (CertificateException e) {
            return new Lookup.Unavailable(
                    "LDAP entry for " + address + " holds an unreadable certificate");
        }
    }

    @Override
    public void close() {
        pool.close();
    }
}
