package org.targetwatch.domain.debt;

import java.util.Map;
import org.targetwatch.config.SubjectKind;
import org.targetwatch.config.SubjectKind.Setting;

/** The subjects debt readings are about: districts and villages (「村级债务整体清零」). */
public final class DebtSubjectKinds {
    private DebtSubjectKinds() {}

    /** A village, with the day its debt is due to be cleared. */
    public static final class Village extends SubjectKind {
        public Village() {
            super("village", Map.of("debtClearanceDeadline", Setting.date("must be a date, e.g. 2023-12-31")));
        }
    }
}
