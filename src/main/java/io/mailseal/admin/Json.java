package io.mailseal.admin;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The little JSON the admin port writes: objects of strings, booleans, numbers, nulls, lists and
 * nested objects. Public for the commands that print JSON ({@code tls-check --json}).
 */
public final class Json {
    private Json() {}

    public static String object(Map<String, ?> fields) {
        return fields.entrySet().stream()
                .map(e -> string(e.getKey()) + ":" + value(e.getValue()))
                .collect(Collectors.joining(",", "{", "}"));
    }

    @SuppressWarnings("unchecked")
    private static String value(Object v) {
        if (v == null) {
            return "null";
        }
        if (v instanceof Boolean || v instanceof Number) {
            return v.toString();
        }
        if (v instanceof Map<?, ?> m) {
            return object((Map<String, ?>) m);
        }
        if (v instanceof List<?> l) {
            return l.stream().map(Json::value).collect(Collectors.joining(",", "[", "]"));
        }
        return string(v.toString());
    }

    static String string(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }
}
