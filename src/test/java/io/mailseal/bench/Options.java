package io.mailseal.bench;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** ScaleOutBench's command line: {@code -n N -c C --warmup W}, all positive whole numbers. */
final class Options {
    private static final Map<String, Integer> DEFAULTS =
            Map.of("-n", 3000, "-c", 8, "--warmup", 3000);

    private Options() {}

    static Map<String, Integer> parse(String[] args) {
        Map<String, Integer> options = new LinkedHashMap<>(DEFAULTS);
        List<String> words = List.of(args);
        if (words.size() % 2 != 0) {
            throw new IllegalArgumentException(usage("an option without a value"));
        }
        for (int i = 0; i < words.size(); i += 2) {
            String name = words.get(i);
            if (!DEFAULTS.containsKey(name)) {
                throw new IllegalArgumentException(usage("unknown option " + name));
            }
            try {
                int value = Integer.parseInt(words.get(i + 1));
                if (value < 1) {
                    throw new NumberFormatException();
                }
                options.put(name, value);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(
                        usage(name + " " + words.get(i + 1) + " is not a positive whole number"));
            }
        }
        return options;
    }

    private static String usage(String problem) {
        return problem
                + "; usage: bench/scaleout.sh [-n N] [-c C] [--warmup W] (defaults "
                + DEFAULTS
                + ")";
    }
}
