package io.mailseal.admin;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * The project version and the git commit this build was made from, written into the jar by the
 * build (pom.xml: resource filtering and git-commit-id-maven-plugin); "unknown" where the build had
 * no git work tree. For {@code mailseal --version}, {@code /health} and {@code
 * mailseal_build_info}.
 */
public record BuildInfo(String version, String commit) {
    private static final String UNKNOWN = "unknown";

    /** What the running code was built as. */
    public static BuildInfo current() {
        Properties p = new Properties();
        try (InputStream in = BuildInfo.class.getResourceAsStream("build.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            // an unreadable resource in our own jar: say unknown rather than fail to start
        }
        return new BuildInfo(known(p.getProperty("version")), known(p.getProperty("commit")));
    }

    /** A value the build did not fill in (no git, or run from unfiltered sources) is unknown. */
    private static String known(String value) {
        return value == null || value.isBlank() || value.startsWith("${") ? UNKNOWN : value;
    }

    /** {@code 0.1.0 (commit 1a2b3c4d5e6f)}. */
    @Override
    public String toString() {
        return version + " (commit " + commit + ")";
    }
}
