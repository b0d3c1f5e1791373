package org.targetwatch.domain.targets;

import java.util.Map;
import org.targetwatch.config.SubjectKind;

/** The subjects the work report's targets are reported for: districts. */
public final class TargetSubjectKinds {
    private TargetSubjectKinds() {}

    /** A district (its settings come from the other domains, such as air's airStandardFrom). */
    public static final class District extends SubjectKind {
        public District() {
            super("district", Map.of());
        }
    }
}
