package org.targetwatch.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The package picture, drawn from the sources (imports and fully qualified names alike): arrows run one way,
 * {@code web → review → ingest → alerts and domain → rules and store → config → facts → common} (alerts and the
 * domains do not use each other), and a domain module ({@code domain.air}) uses no other domain module, only the
 * shared {@code domain} interfaces.
 */
class DependenciesTest {

    /** What each layer may use, besides itself; a layer sees everything listed for the layers below it too. */
    private static final Map<String, Set<String>> ALLOWED = Map.ofEntries(
            Map.entry("common", Set.of()),
            // the command line is a client of the HTTP API: it uses none of the server's layers
            Map.entry("cli", Set.of("common")),
            Map.entry("facts", Set.of("common")),
            Map.entry("config", Set.of("common", "facts")),
            Map.entry("store", Set.of("common", "facts", "config")),
            Map.entry("rules", Set.of("common", "facts", "config")),
            Map.entry("domain", Set.of("common", "facts", "config", "store", "rules")),
            Map.entry("alerts", Set.of("common", "facts", "config", "store", "rules")),
            Map.entry("ingest", Set.of("common", "facts", "config", "store", "rules", "domain", "alerts")),
            Map.entry("review", Set.of("common", "facts", "config", "store", "rules", "domain", "alerts", "ingest")),
            Map.entry(
                    "web",
                    Set.of("common", "facts", "config", "store", "rules", "domain", "alerts", "ingest", "review")),
            Map.entry(
                    "",
                    Set.of(
                            "common", "facts", "config", "store", "rules", "domain", "alerts", "ingest", "review",
                            "web", "cli")));

    private static final Pattern REFERENCE = Pattern.compile("\\borg\\.targetwatch\\.((?:[a-z]\\w*\\.)*)[A-Z]");
    private static final Path MAIN = Path.of("src/main/java/org/targetwatch");

    @Test
    void arrowsRunOneWay() throws IOException {
        List<String> violations = new ArrayList<>();
        try (Stream<Path> files = Files.walk(MAIN)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                String from =
                        packageOf(MAIN.relativize(f.getParent()).toString().replace('/', '.'));
                String text = Files.readString(f);
                Matcher m = REFERENCE.matcher(text);
                Set<String> seen = new TreeSet<>();
                while (m.find()) {
                    String to = m.group(1).isEmpty()
                            ? ""
                            : m.group(1).substring(0, m.group(1).length() - 1);
                    seen.add(to);
                }
                String own = MAIN.relativize(f.getParent()).toString().replace('/', '.');
                for (String to : seen) {
                    String layer = packageOf(to);
                    boolean ok = !crossDomain(own, to)
                            && (layer.equals(from) || ALLOWED.get(from).contains(layer));
                    if (!ok) {
                        violations.add(MAIN.relativize(f) + " (" + (from.isEmpty() ? "root" : from) + ") uses "
                                + (to.isEmpty() ? "root" : to));
                    }
                }
            }
        }
        assertThat(violations).isEmpty();
    }

    /** The first segment of a package below org.targetwatch: its layer ("" is the root, the wiring). */
    private static String packageOf(String relative) {
        int dot = relative.indexOf('.');
        return dot < 0 ? relative : relative.substring(0, dot);
    }

    /**
     * One domain module using another (domain.air → domain.water), or the shared domain package using a module;
     * a module using the shared package is allowed.
     */
    private static boolean crossDomain(String from, String to) {
        return from.startsWith("domain") && to.startsWith("domain.") && !from.equals(to);
    }
}
