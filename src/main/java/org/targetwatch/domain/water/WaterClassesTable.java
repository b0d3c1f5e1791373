package org.targetwatch.domain.water;

import org.targetwatch.rules.RuleTable;

/** {@code rules/gb3838-2002.json}, the GB 3838-2002 表1 class limits, as a table of the ruleset. */
public final class WaterClassesTable extends RuleTable<WaterClasses> {
    public WaterClassesTable() {
        super(WaterClasses.FILE, WaterClasses.class, WaterClasses::parse);
    }
}
