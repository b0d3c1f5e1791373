package org.targetwatch.domain.water;

import java.util.List;
import java.util.Map;
import org.targetwatch.config.SubjectKind;
import org.targetwatch.config.SubjectKind.Setting;
import org.targetwatch.facts.Subject;

/** The subjects water readings are about: sections, drinking-water sources and water plants. */
public final class WaterSubjectKinds {
    /** Sampling plans whose required periods divide the year evenly (each period = 12 / n months). */
    public static final List<Integer> SAMPLES_PER_YEAR = List.of(1, 2, 3, 4, 6, 12);

    private static final Setting TARGET_CLASS = Setting.oneOf(
            "must be one of " + Subject.WATER_CLASSES + " (GB 3838-2002 class)",
            Subject.WATER_CLASSES.toArray(new String[0]));
    private static final Setting WATER_BODY = Setting.oneOf("must be river or lake", "river", "lake");
    private static final Setting SAMPLES = Setting.integerOf(
            "must be one of " + SAMPLES_PER_YEAR + " (an integer: monthly samples the monitoring plan requires a year)",
            SAMPLES_PER_YEAR);

    private WaterSubjectKinds() {}

    /** A surface-water monitoring section (国控, 省控, ...). */
    public static final class Section extends SubjectKind {
        public Section() {
            super(
                    "water-section",
                    Map.of(
                            "targetClass", TARGET_CLASS,
                            "waterBody", WATER_BODY,
                            "control",
                                    Setting.oneOf(
                                            "must be national, provincial, municipal or other",
                                            "national",
                                            "provincial",
                                            "municipal",
                                            "other"),
                            "samplesPerYear", SAMPLES,
                            "hj212", Setting.hj212()));
        }
    }

    /** A centralised drinking-water source. */
    public static final class Source extends SubjectKind {
        public Source() {
            super(
                    "drinking-water-source",
                    Map.of(
                            "targetClass", TARGET_CLASS,
                            "waterBody", WATER_BODY,
                            "level",
                                    Setting.oneOf(
                                            "must be county (county level and above) or township",
                                            "county",
                                            "township"),
                            "samplesPerYear", SAMPLES,
                            "hj212", Setting.hj212()));
        }
    }

    /** A water plant (GB 5749 drinking-water quality). */
    public static final class Plant extends SubjectKind {
        public Plant() {
            super("water-plant", Map.of());
        }
    }
}
