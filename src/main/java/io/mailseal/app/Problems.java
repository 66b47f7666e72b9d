package io.mailseal.app;

import io.mailseal.config.ConfigException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/** The problems of one configuration, gathered from every part before any is reported. */
final class Problems {
    private final List<String> all = new ArrayList<>();
    private final List<String> warnings = new ArrayList<>();

    /** What {@code opener} opens, or null when it failed: its problems join the others. */
    <T> T collect(Supplier<T> opener) {
        try {
            return opener.get();
        } catch (ConfigException e) {
            all.addAll(e.problems());
            return null;
        }
    }

    void add(String problem) {
        all.add(problem);
    }

    /** Something to fix soon that does not stop the relay (check-config prints it, run logs it). */
    void warn(String warning) {
        warnings.add(warning);
    }

    List<String> warnings() {
        return List.copyOf(warnings);
    }

    void addAll(List<String> problems) {
        all.addAll(problems);
    }

    /**
     * Why {@code e} happened, in words an administrator reads on one line: no exception class names
     * ("permission denied", "Address already in use").
     */
    static String reason(Throwable e) {
        if (e instanceof java.nio.file.NoSuchFileException) {
            return "no such file";
        }
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof java.nio.file.NotDirectoryException) {
            return "not a directory";
        }
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    }

    /** Throws them all at once, naming each key and value, when there are any. */
    void throwIfAny() {
        if (!all.isEmpty()) {
            throw new ConfigException(all);
        }
    }

    boolean isEmpty() {
        return all.isEmpty();
    }
}
