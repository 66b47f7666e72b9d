package io.mailseal.crypto;

import java.security.Provider;
import java.security.Security;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * JCA providers: Amazon Corretto Crypto Provider first when its native library loads (RSA signing
 * about 3.6× faster here), BouncyCastle always present for what the JDK and ACCP lack (ECDH with
 * X9.63 KDF, CMS key wrap OIDs).
 */
public final class CryptoProviders {
    private static final Logger log = LoggerFactory.getLogger(CryptoProviders.class);
    private static volatile String first;

    private CryptoProviders() {}

    /** Installs the providers once; returns the name of the first provider. */
    public static synchronized String install() {
        if (first != null) {
            return first;
        }
        try {
            Class<?> accp =
                    Class.forName(
                            "com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider");
            Provider p = (Provider) accp.getField("INSTANCE").get(null);
            Throwable loadingError = (Throwable) accp.getMethod("getLoadingError").invoke(p);
            if (loadingError != null) {
                throw loadingError;
            }
            accp.getMethod("assertHealthy").invoke(p);
            if (Security.getProvider(p.getName()) == null) {
                Security.insertProviderAt(p, 1);
            }
        } catch (Throwable e) {
            Throwable cause =
                    e instanceof java.lang.reflect.InvocationTargetException ite
                            ? ite.getCause()
                            : e;
            log.warn(
                    "Amazon Corretto Crypto Provider not available ({}); using the JDK providers",
                    cause.toString());
        }
        if (Security.getProvider(BouncyCastleProvider.PROVIDER_NAME) == null) {
            Security.addProvider(new BouncyCastleProvider());
        }
        Provider top = Security.getProviders()[0];
        first = top.getName() + " " + top.getVersionStr();
        log.info("JCA provider: {}", first);
        return first;
    }
}
