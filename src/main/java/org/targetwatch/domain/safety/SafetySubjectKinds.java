package org.targetwatch.domain.safety;

import java.util.Map;
import org.targetwatch.config.SubjectKind;

/** The subjects safety readings are about besides districts: townships (乡镇). */
public final class SafetySubjectKinds {
    private SafetySubjectKinds() {}

    /** A township. */
    public static final class Township extends SubjectKind {
        public Township() {
            super("township", Map.of());
        }
    }
}
