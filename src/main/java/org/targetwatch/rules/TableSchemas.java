package org.targetwatch.rules;

import java.util.List;
import java.util.stream.Stream;
import org.targetwatch.common.JsonSchemas;

/**
 * The data tables of a rules directory and their JSON Schemas ({@link JsonSchemas}). Every table is checked against
 * its schema before it is parsed, wherever it comes from (the directory at start or reload, an admin's staged
 * ruleset, a supervisor's backtest upload).
 */
final class TableSchemas {
    /** The tables, by file name. */
    static final List<String> TABLES = Stream.concat(
                    Stream.of(ThresholdFile.NAME, TargetFile.NAME),
                    RuleTable.registered().stream().map(RuleTable::file))
            .toList();

    private TableSchemas() {}

    /**
     * Validates a table's text against its schema; each violation is added to {@code problems} as
     * {@code <path>: <message>}. Returns false if there was any (then the table is not parsed).
     */
    static boolean validate(String table, String text, List<RuleBuildException.Problem> problems) {
        List<String> found = JsonSchemas.problems(table, text);
        found.forEach(p -> problems.add(new RuleBuildException.Problem(table, 0, p)));
        return found.isEmpty();
    }
}
