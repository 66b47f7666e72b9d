package io.mailseal.certs;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * One vendor PKCS#11 library, loaded once per JVM as the JDK loads it (its wrapper keeps one
 * instance per library path, shared with every SunPKCS11 provider over that library). Used for the
 * two things SunPKCS11 does not offer: finding a token's slot by its label (slot numbers change
 * when tokens are added), and re-initialising the library after a token went away (C_Finalize then
 * C_Initialize: SoftHSM and network HSM clients only see a token again after that).
 *
 * <p>The JDK's wrapper is not exported; the launcher and the test JVMs open it ({@code --add-opens
 * jdk.crypto.cryptoki/sun.security.pkcs11.wrapper=ALL-UNNAMED}, in the jar's manifest for {@code
 * java -jar}).
 */
final class CryptokiLibrary {
    private static final String WRAPPER = "sun.security.pkcs11.wrapper.";
    private static final long CKF_OS_LOCKING_OK = 0x2L;
    private static final Map<Path, CryptokiLibrary> LOADED = new HashMap<>();

    private final Path path;
    private final Object module;
    private final Map<String, Pkcs11Token> tokens = new HashMap<>();
    private long generation;

    private CryptokiLibrary(Path path, Object module) {
        this.path = path;
        this.module = module;
    }

    /** The library at {@code path}, loaded and initialised on first use. */
    static synchronized CryptokiLibrary load(Path path) throws TokenException {
        Path absolute = path.toAbsolutePath().normalize();
        CryptokiLibrary loaded = LOADED.get(absolute);
        if (loaded != null) {
            return loaded;
        }
        if (!Files.isRegularFile(absolute)) {
            throw new TokenException("library", "no such file");
        }
        try {
            Class<?> argsType = Class.forName(WRAPPER + "CK_C_INITIALIZE_ARGS");
            Object module =
                    Class.forName(WRAPPER + "PKCS11")
                            .getMethod(
                                    "getInstance",
                                    String.class,
                                    String.class,
                                    argsType,
                                    boolean.class)
                            .invoke(null, absolute.toString(), "C_GetFunctionList", args(), false);
            loaded = new CryptokiLibrary(absolute, module);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw failure("cannot be loaded as a PKCS#11 library", e);
        }
        LOADED.put(absolute, loaded);
        return loaded;
    }

    Path path() {
        return path;
    }

    /** The token labelled {@code label}: one per JVM, so one SunPKCS11 provider per token. */
    synchronized Pkcs11Token token(String label) {
        return tokens.computeIfAbsent(label, l -> new Pkcs11Token(this, l));
    }

    /** Counts re-initialisations, so tokens opened before one know their sessions are gone. */
    synchronized long generation() {
        return generation;
    }

    /**
     * The slot holding the token labelled {@code label}, or -1; {@code seen} gets every label
     * present. A slot whose token cannot be read (its files gone) is skipped.
     */
    synchronized long slotOf(String label, Map<Long, String> seen) throws TokenException {
        long[] slots;
        try {
            slots = (long[]) call("C_GetSlotList", new Class<?>[] {boolean.class}, true);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw failure("cannot list its tokens", e);
        }
        for (long slot : slots) {
            try {
                Object info = call("C_GetTokenInfo", new Class<?>[] {long.class}, slot);
                char[] padded = (char[]) info.getClass().getField("label").get(info);
                seen.put(slot, new String(padded).strip());
            } catch (ReflectiveOperationException | RuntimeException e) {
                // a token that went away under this slot: not the one asked for, or gone
            }
        }
        return seen.entrySet().stream()
                .filter(e -> e.getValue().equals(label))
                .mapToLong(Map.Entry::getKey)
                .findFirst()
                .orElse(-1);
    }

    /**
     * Finalises and initialises the library again, unless someone else did since {@code seen} (one
     * re-initialisation per outage, not one per token). Every provider over it must be re-opened
     * afterwards.
     */
    synchronized void restart(long seen) throws TokenException {
        if (seen != generation) {
            return;
        }
        try {
            call("C_Finalize", new Class<?>[] {Object.class}, (Object) null);
        } catch (ReflectiveOperationException | RuntimeException e) {
            // CKR_CRYPTOKI_NOT_INITIALIZED after an initialisation that failed: go on
        }
        try {
            Method init =
                    Class.forName(WRAPPER + "PKCS11")
                            .getDeclaredMethod("C_Initialize", Object.class);
            init.setAccessible(true);
            init.invoke(module, args());
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw failure("cannot be initialised again", e);
        } finally {
            generation++;
        }
    }

    private Object call(String name, Class<?>[] types, Object... args)
            throws ReflectiveOperationException {
        return Class.forName(WRAPPER + "PKCS11").getMethod(name, types).invoke(module, args);
    }

    private static Object args() throws ReflectiveOperationException {
        Class<?> type = Class.forName(WRAPPER + "CK_C_INITIALIZE_ARGS");
        Object args = type.getConstructor().newInstance();
        type.getField("flags").setLong(args, CKF_OS_LOCKING_OK);
        return args;
    }

    private static TokenException failure(String what, Exception e) {
        Throwable cause = e instanceof InvocationTargetException ite ? ite.getCause() : e;
        if (cause instanceof IllegalAccessException
                || cause instanceof java.lang.reflect.InaccessibleObjectException) {
            return new TokenException(
                    "library",
                    "PKCS#11 needs the JVM option --add-opens"
                            + " jdk.crypto.cryptoki/sun.security.pkcs11.wrapper=ALL-UNNAMED (the"
                            + " mailseal launcher sets it)");
        }
        return new TokenException("library", what + ": " + cause);
    }

    /** For messages: every label seen, e.g. {@code "bank", "test"}. */
    static String labels(Map<Long, String> seen) {
        return seen.isEmpty()
                ? "no token"
                : seen.values().stream()
                        .map(l -> "\"" + l + "\"")
                        .collect(Collectors.joining(", "));
    }
}
