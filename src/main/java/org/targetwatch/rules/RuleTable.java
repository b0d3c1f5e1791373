package org.targetwatch.rules;

import java.util.List;
import java.util.ServiceLoader;
import java.util.function.Function;

/**
 * A data table a domain module keeps in the rules directory beside its DRL (gb3838-2002.json, accident-grades.json):
 * a required file, checked against its JSON Schema {@code /schemas/<name>.schema.json} on the class path, then parsed.
 * A module registers its tables in {@code META-INF/services/org.targetwatch.rules.RuleTable}; the ruleset holds
 * the parsed table, {@link RuleSet#table(Class)}, so the rules package never names a domain.
 *
 * @param <T> the parsed table, immutable and thread-safe
 */
public abstract class RuleTable<T> {
    private final String file;
    private final Class<T> type;
    private final Function<String, T> parser;

    /**
     * @param file   the file name in the rules directory
     * @param type   the type {@link RuleSet#table(Class)} finds the parsed table by
     * @param parser parses the file's text; a problem is an {@link IllegalArgumentException} whose message names
     *               the entry
     */
    protected RuleTable(String file, Class<T> type, Function<String, T> parser) {
        this.file = file;
        this.type = type;
        this.parser = parser;
    }

    public final String file() {
        return file;
    }

    public final Class<T> type() {
        return type;
    }

    public final T parse(String text) {
        return parser.apply(text);
    }

    /** Every registered table, in a stable order (by file name). */
    public static List<RuleTable<?>> registered() {
        return Registered.TABLES;
    }

    /** Holder of the tables found once by the service loader. */
    private static final class Registered {
        private static final List<RuleTable<?>> TABLES = ServiceLoader.load(RuleTable.class).stream()
                .<RuleTable<?>>map(ServiceLoader.Provider::get)
                .sorted(java.util.Comparator.comparing(t -> t.file()))
                .toList();

        private Registered() {}
    }
}
