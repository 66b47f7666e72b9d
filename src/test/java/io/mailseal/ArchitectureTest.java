package io.mailseal;

import static java.util.Map.entry;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.spi.ToolProvider;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The rooms' dependencies as the compiler left them, not as the sources spell them: the JDK's
 * {@code jdeps} reads {@code target/classes} (the compile phase has run before surefire) and every
 * class-to-class reference is checked against the layering of docs/ARCHITECTURE.md. A reference
 * only to a compile-time constant (a {@code static final} String or number) is inlined by javac and
 * so invisible here.
 */
class ArchitectureTest {
    private static final String ROOT = "io.mailseal.";
    private static final Path CLASSES =
            Path.of(System.getProperty("basedir", "."), "target", "classes");

    /**
     * Each room's layer: a room may depend only on rooms of a strictly lower layer (or along one of
     * {@link #SAME_LAYER_ALLOWED}). A new room must be given its place here and in
     * docs/ARCHITECTURE.md.
     */
    private static final Map<String, Integer> LAYERS =
            Map.ofEntries(
                    entry("config", 0),
                    entry("text", 0),
                    entry("policy", 1),
                    entry("crypto", 1),
                    entry("spool", 1),
                    entry("net", 1),
                    entry("dns", 1),
                    entry("certs", 2),
                    entry("tsa", 2),
                    entry("delivery", 2),
                    entry("smtp", 2),
                    entry("evidence", 2),
                    entry("seal", 3),
                    entry("inbound", 3),
                    entry("tlscheck", 3),
                    entry("store", 3),
                    entry("admin", 4),
                    entry("app", 5),
                    entry("demo", 6),
                    entry("cli", 6));

    /**
     * Same-layer edges that exist and are meant: {@code mailseal demo} and {@code demo-tsa} are
     * commands.
     */
    private static final Set<String> SAME_LAYER_ALLOWED = Set.of("cli -> demo");

    /**
     * What opens a connection or looks a name up: a class (with its nested classes) or, ending in
     * {@code *}, every class whose name starts so.
     */
    private static final List<String> NETWORK =
            List.of(
                    "java.net.Socket",
                    "java.net.ServerSocket",
                    "java.net.DatagramSocket",
                    "java.net.MulticastSocket",
                    "java.net.URL",
                    "java.net.URLConnection",
                    "java.net.HttpURLConnection",
                    "java.net.InetAddress",
                    "java.net.http.*",
                    "javax.net.*",
                    "java.nio.channels.*",
                    "jakarta.mail.Transport",
                    "jakarta.mail.Store");

    /**
     * What reads or writes files: Files, File, FileInputStream, FileOutputStream, FileReader,
     * FileWriter, ...
     */
    private static final List<String> DISK =
            List.of(
                    "java.nio.file.Files",
                    "java.io.File*",
                    "java.io.RandomAccessFile",
                    "java.nio.channels.*");

    private static List<ClassEdge> edges;

    /** One reference from a mailseal class to another class, as jdeps reports it. */
    private record ClassEdge(String from, String to) {
        String fromRoom() {
            return room(from);
        }

        String toRoom() {
            return room(to);
        }

        boolean betweenRooms() {
            return to.startsWith(ROOT) && !fromRoom().equals(toRoom());
        }

        String roomEdge() {
            return fromRoom() + " -> " + toRoom();
        }

        @Override
        public String toString() {
            return from + " -> " + to;
        }
    }

    @BeforeAll
    static void readTheCompiledClasses() {
        assertThat(CLASSES.resolve("io/mailseal"))
                .withFailMessage(
                        "%s holds no io/mailseal classes: run the compile phase first", CLASSES)
                .isDirectory();
        ToolProvider jdeps =
                ToolProvider.findFirst("jdeps")
                        .orElseThrow(
                                () ->
                                        new AssertionError(
                                                "jdeps not found: run the tests on a JDK, not a JRE"));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit =
                jdeps.run(
                        new PrintWriter(out, true),
                        new PrintWriter(err, true),
                        "-verbose:class",
                        "-filter:none",
                        "-include",
                        "io\\.mailseal\\..*",
                        CLASSES.toString());
        assertThat(exit).withFailMessage("jdeps failed (%d): %s%s", exit, err, out).isZero();
        edges =
                out.toString()
                        .lines()
                        .filter(
                                line ->
                                        line.startsWith(
                                                " ")) // the per-archive summary lines are not
                        // indented
                        .map(line -> line.trim().split("\\s+"))
                        .filter(f -> f.length >= 3 && f[1].equals("->") && f[0].startsWith(ROOT))
                        .map(f -> new ClassEdge(f[0], f[2]))
                        .distinct()
                        .toList();
    }

    @Test
    void everyRoomFoundInTheClassesHasALayerAndEveryLayeredRoomExists() {
        Set<String> rooms =
                edges.stream()
                        .map(ClassEdge::fromRoom)
                        .collect(Collectors.toCollection(TreeSet::new));
        assertThat(rooms)
                .as("rooms found by jdeps in %s (the table is ArchitectureTest.LAYERS)", CLASSES)
                .containsExactlyInAnyOrderElementsOf(LAYERS.keySet());
        assertThat(edges)
                .as(
                        "jdeps must have reported the intake's hand-over (seal implements smtp.MessageSink)")
                .contains(
                        new ClassEdge(
                                "io.mailseal.seal.SealingPipeline",
                                "io.mailseal.smtp.MessageSink"));
    }

    @Test
    void noCycleBetweenRooms() {
        Map<String, Set<String>> graph = roomGraph();
        List<String> offences = new ArrayList<>();
        for (Set<String> component : new StronglyConnected(graph).components()) {
            if (component.size() > 1) {
                offences.add("cycle among " + component + ":");
                offences.addAll(
                        roomEdgesBreaking(
                                        e ->
                                                component.contains(e.fromRoom())
                                                        && component.contains(e.toRoom()))
                                .stream()
                                .map(line -> "  " + line)
                                .toList());
            }
        }
        assertNone("rooms must not depend on each other in a circle", offences);
    }

    @Test
    void smtpKnowsOnlyConfigAndText() {
        assertNone(
                "smtp (intake) may depend on no mailseal room but config and text; it hands messages to its MessageSink",
                roomEdgesBreaking(
                        e ->
                                e.fromRoom().equals("smtp")
                                        && !e.toRoom().equals("config")
                                        && !e.toRoom().equals("text")));
    }

    @Test
    void policyKnowsOnlyConfig() {
        assertNone(
                "policy (pure rule matching) may depend on no mailseal room but config",
                roomEdgesBreaking(
                        e -> e.fromRoom().equals("policy") && !e.toRoom().equals("config")));
    }

    @Test
    void cryptoOpensNoSocketAndTouchesNoDisk() {
        assertNone(
                "crypto opens no socket (that is the job of tsa, certs and delivery) and reads or writes no file",
                ioIn("crypto"));
    }

    @Test
    void policyOpensNoSocketAndTouchesNoDisk() {
        assertNone(
                "policy opens no socket and reads or writes no file: run and explain must decide alike",
                ioIn("policy"));
    }

    @Test
    void eachRoomDependsOnlyOnLowerLayers() {
        assertNone(
                "a room may depend only on rooms of a lower layer "
                        + layerTable()
                        + " or along "
                        + SAME_LAYER_ALLOWED,
                roomEdgesBreaking(
                        e -> {
                            Integer from = LAYERS.get(e.fromRoom());
                            Integer to = LAYERS.get(e.toRoom());
                            // a room without a layer fails
                            // everyRoomFoundInTheClassesHasALayerAndEveryLayeredRoomExists
                            return from != null
                                    && to != null
                                    && to >= from
                                    && !(to.equals(from)
                                            && SAME_LAYER_ALLOWED.contains(e.roomEdge()));
                        }));
        Set<String> used =
                roomGraph().entrySet().stream()
                        .flatMap(n -> n.getValue().stream().map(to -> n.getKey() + " -> " + to))
                        .collect(Collectors.toSet());
        assertThat(SAME_LAYER_ALLOWED)
                .as("same-layer exceptions no longer used: remove them from the table")
                .isSubsetOf(used);
    }

    @Test
    void onlyCliDependsOnDemoAndNothingDependsOnCli() {
        assertNone(
                "only cli may depend on demo, and no room on cli",
                roomEdgesBreaking(
                        e ->
                                e.toRoom().equals("cli")
                                        || e.toRoom().equals("demo")
                                                && !e.fromRoom().equals("cli")));
    }

    private static String room(String className) {
        if (!className.startsWith(ROOT)) {
            return className;
        }
        String rest = className.substring(ROOT.length());
        int dot = rest.indexOf('.');
        return dot < 0 ? "(io.mailseal itself)" : rest.substring(0, dot);
    }

    private static Map<String, Set<String>> roomGraph() {
        Map<String, Set<String>> graph = new TreeMap<>();
        edges.forEach(e -> graph.computeIfAbsent(e.fromRoom(), r -> new TreeSet<>()));
        edges.stream()
                .filter(ClassEdge::betweenRooms)
                .forEach(e -> graph.get(e.fromRoom()).add(e.toRoom()));
        return graph;
    }

    /** One line per offending room edge, with the class references behind it. */
    private static List<String> roomEdgesBreaking(Predicate<ClassEdge> rule) {
        Map<String, List<ClassEdge>> byRoomEdge =
                edges.stream()
                        .filter(ClassEdge::betweenRooms)
                        .filter(rule)
                        .collect(
                                Collectors.groupingBy(
                                        ClassEdge::roomEdge, TreeMap::new, Collectors.toList()));
        return byRoomEdge.entrySet().stream()
                .map(x -> x.getKey() + ": " + explain(x.getValue()))
                .toList();
    }

    private static List<String> ioIn(String room) {
        List<String> offences = new ArrayList<>();
        classesReaching(room, NETWORK).forEach(e -> offences.add("network: " + e));
        classesReaching(room, DISK).forEach(e -> offences.add("disk: " + e));
        return offences;
    }

    /** Classes of {@code room} that refer to any of {@code forbidden}, with what they refer to. */
    private static List<String> classesReaching(String room, List<String> forbidden) {
        return edges.stream()
                .filter(e -> e.fromRoom().equals(room))
                .filter(
                        e ->
                                forbidden.stream()
                                        .anyMatch(
                                                f ->
                                                        f.endsWith("*")
                                                                ? e.to().startsWith(
                                                                                f.substring(
                                                                                        0,
                                                                                        f.length()
                                                                                                - 1))
                                                                : e.to().equals(f)
                                                                        || e.to().startsWith(
                                                                                        f + "$")))
                .map(ClassEdge::toString)
                .sorted()
                .toList();
    }

    private static String explain(List<ClassEdge> classEdges) {
        List<String> shown =
                classEdges.stream().map(ClassEdge::toString).sorted().limit(3).toList();
        return String.join(", ", shown)
                + (classEdges.size() > shown.size()
                        ? " and " + (classEdges.size() - shown.size()) + " more"
                        : "");
    }

    private static String layerTable() {
        Map<Integer, Set<String>> byLayer = new TreeMap<>();
        LAYERS.forEach((r, l) -> byLayer.computeIfAbsent(l, k -> new TreeSet<>()).add(r));
        return byLayer.values().stream()
                .map(s -> s.size() == 1 ? s.iterator().next() : s.toString())
                .collect(Collectors.joining(" < "));
    }

    private static void assertNone(String rule, List<String> offences) {
        assertThat(offences)
                .withFailMessage(
                        "%s, but:%n  %s",
                        rule, String.join(System.lineSeparator() + "  ", offences))
                .isEmpty();
    }

    /** Tarjan's strongly connected components over the room graph. */
    private static final class StronglyConnected {
        private final Map<String, Set<String>> graph;
        private final Map<String, Integer> index = new HashMap<>();
        private final Map<String, Integer> low = new HashMap<>();
        private final List<String> stack = new ArrayList<>();
        private final Set<String> onStack = new TreeSet<>();
        private final List<Set<String>> components = new ArrayList<>();

        StronglyConnected(Map<String, Set<String>> graph) {
            this.graph = graph;
        }

        List<Set<String>> components() {
            graph.keySet().stream().filter(n -> !index.containsKey(n)).forEach(this::visit);
            return components;
        }

        private void visit(String node) {
            index.put(node, index.size());
            low.put(node, index.get(node));
            stack.add(node);
            onStack.add(node);
            for (String next : graph.getOrDefault(node, Set.of())) {
                if (!index.containsKey(next)) {
                    visit(next);
                    low.put(node, Math.min(low.get(node), low.get(next)));
                } else if (onStack.contains(next)) {
                    low.put(node, Math.min(low.get(node), index.get(next)));
                }
            }
            if (low.get(node).equals(index.get(node))) {
                Set<String> component = new TreeSet<>();
                String member;
                do {
                    member = stack.remove(stack.size() - 1);
                    onStack.remove(member);
                    component.add(member);
                } while (!member.equals(node));
                components.add(component);
            }
        }
    }
}
