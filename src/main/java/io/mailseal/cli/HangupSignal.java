package io.mailseal.cli;

import java.lang.reflect.Method;
import java.lang.reflect.Proxy;

/**
 * SIGHUP through the JDK's {@code sun.misc.Signal} (module jdk.unsupported), reached by reflection:
 * javac reports every compiled reference to it as "internal proprietary API", a warning that is no
 * -Xlint category and that {@code @SuppressWarnings} cannot silence, and the build compiles with
 * -Werror.
 */
final class HangupSignal {
    private HangupSignal() {}

    /** Runs {@code action} on the JDK's signal thread each time the process receives SIGHUP. */
    static void onHangup(Runnable action) {
        try {
            Class<?> signal = Class.forName("sun.misc.Signal");
            Class<?> handler = Class.forName("sun.misc.SignalHandler");
            Object hup = signal.getConstructor(String.class).newInstance("HUP");
            Object onSignal =
                    Proxy.newProxyInstance(
                            HangupSignal.class.getClassLoader(),
                            new Class<?>[] {handler},
                            (proxy, method, args) -> invoked(proxy, method, args, action));
            signal.getMethod("handle", signal, handler).invoke(null, hup, onSignal);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot install the SIGHUP handler", e);
        }
    }

    private static Object invoked(Object proxy, Method method, Object[] args, Runnable action) {
        return switch (method.getName()) {
            case "handle" -> {
                action.run();
                yield null;
            }
            case "equals" -> proxy == args[0];
            case "hashCode" -> System.identityHashCode(proxy);
            case "toString" -> "SIGHUP handler";
            default -> throw new UnsupportedOperationException(method.toString());
        };
    }
}
