package io.mailseal.config;

import io.mailseal.config.PolicyConfig.TextPattern;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** Turns the pattern forms relay.conf allows into compiled {@link TextPattern}s. */
final class TextPatterns {
    private TextPatterns() {}

    /** {@code *@bank.example}: {@code *} any run, {@code ?} one character; the whole value. */
    static TextPattern glob(String glob) {
        StringBuilder re = new StringBuilder("^");
        StringBuilder literal = new StringBuilder();
        for (char c : glob.toCharArray()) {
            if (c == '*' || c == '?') {
                re.append(Pattern.quote(literal.toString()));
                literal.setLength(0);
                re.append(c == '*' ? ".*" : ".");
            } else {
                literal.append(c);
            }
        }
        re.append(Pattern.quote(literal.toString())).append('$');
        return new TextPattern(
                glob,
                Pattern.compile(
                        re.toString(),
                        Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE | Pattern.DOTALL));
    }

    static TextPattern regex(String regex) {
        return new TextPattern(
                regex, Pattern.compile(regex, Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE));
    }

    /** A value written {@code /.../} is a regex, anything else a glob. */
    static TextPattern globOrRegex(String text) {
        if (text.length() >= 2 && text.startsWith("/") && text.endsWith("/")) {
            return regex(text.substring(1, text.length() - 1));
        }
        return glob(text);
    }

    /** Reads a pattern key, recording a problem (with the regex error) instead of throwing. */
    static java.util.Optional<TextPattern> read(ConfigSection s, String key, boolean alwaysRegex) {
        return s.optionalString(key)
                .flatMap(
                        text -> {
                            try {
                                return java.util.Optional.of(
                                        alwaysRegex ? regex(text) : globOrRegex(text));
                            } catch (PatternSyntaxException e) {
                                s.problem(
                                        key,
                                        s.value(key),
                                        "is not a valid regex: " + e.getDescription());
                                return java.util.Optional.empty();
                            }
                        });
    }
}
