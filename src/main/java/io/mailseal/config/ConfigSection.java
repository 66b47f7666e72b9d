package io.mailseal.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException.BadValue;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * One HOCON object of relay.conf being read. Every read names its key, so a value of the wrong type
 * or form becomes a problem naming the full key and the value; keys nobody read are reported as
 * unknown by {@link #finish()}. Problems are collected, not thrown, so check-config can list them
 * all at once.
 */
final class ConfigSection {
    private final Config config;
    private final String path;
    private final Path baseDir;
    private final List<String> problems;
    private final Set<String> read = new HashSet<>();

    ConfigSection(Config config, String path, Path baseDir, List<String> problems) {
        this.config = config;
        this.path = path;
        this.baseDir = baseDir;
        this.problems = problems;
    }

    /** The full key of this object, e.g. {@code mailseal.identities[1]}. */
    String path() {
        return path;
    }

    String key(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    boolean has(String key) {
        read.add(key);
        return config.hasPath(quote(key));
    }

    void problem(String key, String message) {
        problems.add(key(key) + ": " + message);
    }

    void problem(String key, ConfigValue value, String message) {
        problems.add(key(key) + ": " + render(value) + " " + message);
    }

    ConfigValue value(String key) {
        return config.getValue(quote(key));
    }

    String string(String key, String fallback) {
        return read(key, fallback, "is not a string", ConfigValueType.STRING, Config::getString);
    }

    Optional<String> optionalString(String key) {
        return Optional.ofNullable(string(key, null));
    }

    int integer(String key, int fallback, int min) {
        Integer v =
                read(
                        key,
                        fallback,
                        "is not a whole number",
                        ConfigValueType.NUMBER,
                        Config::getInt);
        if (v < min) {
            problem(key, value(key), "must be at least " + min);
            return fallback;
        }
        return v;
    }

    int port(String key, int fallback) {
        int port = integer(key, fallback, 1);
        if (port > 65535) {
            problem(key, value(key), "is not a port (1..65535)");
        }
        return port;
    }

    boolean bool(String key, boolean fallback) {
        return read(
                key, fallback, "is not true or false", ConfigValueType.BOOLEAN, Config::getBoolean);
    }

    Duration duration(String key, Duration fallback) {
        Duration d =
                read(
                        key,
                        fallback,
                        "is not a duration (e.g. 30s, 10m, 1h)",
                        null,
                        Config::getDuration);
        if (d != null && (d.isNegative() || d.isZero())) {
            problem(key, value(key), "must be positive");
            return fallback;
        }
        return d;
    }

    long bytes(String key, long fallback) {
        Long b = read(key, fallback, "is not a size (e.g. 512KiB, 50MiB)", null, Config::getBytes);
        if (b <= 0) {
            problem(key, value(key), "must be positive");
            return fallback;
        }
        return b;
    }

    /** A path; relative paths are resolved against the directory that holds relay.conf. */
    Path path(String key, Path fallback) {
        String s = string(key, null);
        if (s == null) {
            return fallback == null ? null : baseDir.resolve(fallback).normalize();
        }
        if (s.isBlank()) {
            problem(key, value(key), "is not a path");
            return fallback;
        }
        return baseDir.resolve(s).normalize();
    }

    Optional<Path> optionalPath(String key) {
        return Optional.ofNullable(path(key, null));
    }

    List<String> strings(String key, List<String> fallback) {
        return read(
                key,
                fallback,
                "is not a list of strings",
                ConfigValueType.LIST,
                Config::getStringList);
    }

    /** An enumerated choice written in lower-case kebab form, e.g. {@code soft-fail}. */
    <E extends Enum<E>> E choice(String key, E fallback) {
        String s = string(key, null);
        if (s == null) {
            return fallback;
        }
        for (E e : fallback.getDeclaringClass().getEnumConstants()) {
            if (Keywords.kebab(e).equals(s)) {
                return e;
            }
        }
        List<String> allowed = new ArrayList<>();
        for (E e : fallback.getDeclaringClass().getEnumConstants()) {
            allowed.add(Keywords.kebab(e));
        }
        problem(key, value(key), "is not one of " + String.join(" | ", allowed));
        return fallback;
    }

    /** A nested object; an absent key reads as an empty object, so its defaults apply. */
    ConfigSection section(String key) {
        if (has(key) && value(key).valueType() != ConfigValueType.OBJECT) {
            problem(key, value(key), "is not an object");
            return new ConfigSection(
                    com.typesafe.config.ConfigFactory.empty(), key(key), baseDir, problems);
        }
        Config child =
                config.hasPath(quote(key))
                        ? config.getConfig(quote(key))
                        : com.typesafe.config.ConfigFactory.empty();
        return new ConfigSection(child, key(key), baseDir, problems);
    }

    /** A list of objects, each read by {@code reader} and checked for unknown keys. */
    <T> List<T> sections(String key, Function<ConfigSection, T> reader) {
        if (!has(key)) {
            return List.of();
        }
        ConfigValue v = value(key);
        if (v.valueType() != ConfigValueType.LIST) {
            problem(key, v, "is not a list");
            return List.of();
        }
        List<T> out = new ArrayList<>();
        List<? extends ConfigValue> items = config.getList(quote(key));
        for (int i = 0; i < items.size(); i++) {
            ConfigValue item = items.get(i);
            String itemPath = key(key) + "[" + i + "]";
            if (item.valueType() != ConfigValueType.OBJECT) {
                problems.add(itemPath + ": " + render(item) + " is not an object");
                continue;
            }
            ConfigSection s =
                    new ConfigSection(
                            ((ConfigObject) item).toConfig(), itemPath, baseDir, problems);
            out.add(reader.apply(s));
            s.finish();
        }
        return out;
    }

    /** The object's entries as raw strings, e.g. header names to match values. */
    Map<String, String> stringMap(String key) {
        Map<String, String> out = new LinkedHashMap<>();
        if (!has(key)) {
            return out;
        }
        if (value(key).valueType() != ConfigValueType.OBJECT) {
            problem(key, value(key), "is not an object");
            return out;
        }
        ConfigObject obj = config.getObject(quote(key));
        obj.forEach(
                (name, v) -> {
                    if (v.valueType() == ConfigValueType.STRING) {
                        out.put(name, (String) v.unwrapped());
                    } else {
                        problems.add(key(key) + "." + name + ": " + render(v) + " is not a string");
                    }
                });
        return out;
    }

    /** Reports every key present here that no read asked for. */
    void finish() {
        for (String k : config.root().keySet()) {
            if (!read.contains(k)) {
                problems.add(key(k) + ": unknown key");
            }
        }
    }

    private <T> T read(
            String key, T fallback, String expected, ConfigValueType type, Getter<T> getter) {
        if (!has(key)) {
            return fallback;
        }
        ConfigValue v = value(key);
        if (v.valueType() == ConfigValueType.NULL) {
            return fallback;
        }
        if (type != null
                && v.valueType() != type
                && !(type == ConfigValueType.STRING && isScalar(v))) {
            problem(key, v, expected);
            return fallback;
        }
        try {
            return getter.get(config, quote(key));
        } catch (BadValue | com.typesafe.config.ConfigException.WrongType e) {
            problem(key, v, expected);
            return fallback;
        }
    }

    private static boolean isScalar(ConfigValue v) {
        return v.valueType() == ConfigValueType.NUMBER || v.valueType() == ConfigValueType.BOOLEAN;
    }

    private static String quote(String key) {
        return com.typesafe.config.ConfigUtil.joinPath(key);
    }

    static String render(ConfigValue v) {
        return v.render(ConfigRenderOptions.concise());
    }

    @FunctionalInterface
    private interface Getter<T> {
        T get(Config c, String key);
    }
}
