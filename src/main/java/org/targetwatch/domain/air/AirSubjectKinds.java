package org.targetwatch.domain.air;

import java.util.Map;
import org.targetwatch.config.SubjectKind;
import org.targetwatch.config.SubjectKind.Setting;

/** The subjects air readings are about: stations, and the districts whose days they make up. */
public final class AirSubjectKinds {
    private AirSubjectKinds() {}

    /**
     * An air monitoring station: its district (for district days), how its hours are labelled, and the HJ 212
     * identity of its data logger.
     */
    public static final class Station extends SubjectKind {
        public Station() {
            super(
                    "air-station",
                    Map.of(
                            "district", Setting.text("must be a non-empty string: the id of a registered district"),
                            "hourLabel",
                                    Setting.oneOf(
                                            "must be start (an hourly value is labelled by the start of its hour) or"
                                                    + " end (by its end: the value of 15:00-16:00 is labelled 16:00)",
                                            "start",
                                            "end"),
                            "hj212", Setting.hj212()));
        }
    }

    /** A district: the day GB 3095-2012 / HJ 633-2012 took effect there. */
    public static final class District extends SubjectKind {
        public District() {
            super(
                    "district",
                    Map.of(
                            "airStandardFrom",
                            Setting.date("must be a date, e.g. 2013-01-01 (the day GB 3095-2012 / HJ 633-2012 took"
                                    + " effect in the district; nationwide 2016-01-01)")));
        }
    }
}
