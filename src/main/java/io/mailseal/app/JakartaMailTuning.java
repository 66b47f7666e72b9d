package io.mailseal.app;

/**
 * jakarta.mail 2.1 looks its StreamProvider up through ServiceLoader on every MIME encode/decode
 * (jakartaee/mail-api#861, open): a third of mailseal's CPU went into scanning the jar for it.
 * Naming the provider makes FactoryFinder take the system-property path, a plain class lookup.
 * Profile and figures in docs/PERFORMANCE.md.
 */
final class JakartaMailTuning {
    private static final String KEY = "jakarta.mail.util.StreamProvider";

    private JakartaMailTuning() {}

    static void apply() {
        if (System.getProperty(KEY) == null) {
            System.setProperty(KEY, "org.eclipse.angus.mail.util.MailStreamProvider");
        }
    }
}
