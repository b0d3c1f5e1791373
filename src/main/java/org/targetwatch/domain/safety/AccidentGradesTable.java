package org.targetwatch.domain.safety;

import org.targetwatch.rules.RuleTable;

/** {@code rules/accident-grades.json}, the accident grades of 国务院令第493号, as a table of the ruleset. */
public final class AccidentGradesTable extends RuleTable<AccidentGrades> {
    public AccidentGradesTable() {
        super(AccidentGrades.FILE, AccidentGrades.class, AccidentGrades::parse);
    }
}
