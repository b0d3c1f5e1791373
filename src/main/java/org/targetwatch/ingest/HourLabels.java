package org.targetwatch.ingest;

import java.time.Duration;
import java.util.List;
import org.targetwatch.facts.Subject;
import org.targetwatch.store.ReadingInput;

/**
 * Hour labels of hourly values. TargetWatch keeps an hourly value at the <b>start</b> of its hour
 * ({@code observedAt} 15:00 is the mean of 15:00–16:00). Many Chinese platforms and station exports label it by
 * the <b>end</b> ("16时" for 15:00–16:00); such values are moved one hour back on arrival, so that a value
 * labelled 00:00 belongs to the previous day's last hour.
 *
 * <p>Contract: the import's convention (query parameter {@code hourLabel}) wins; without it the station's
 * {@code hourLabel} setting; without that {@code start}. Only indicators the catalog marks hourly are moved.
 */
public final class HourLabels {
    public static final List<String> LABELS = List.of("start", "end");

    private HourLabels() {}

    /** The reading as TargetWatch stores it: its {@code observedAt} at the start of its hour. */
    public static ReadingInput toStart(ReadingInput in, String importLabel, Subject subject) {
        String label = importLabel != null ? importLabel : subject == null ? "start" : subject.hourLabel();
        if (!label.equals("end") || !in.indicator().hourly()) {
            return in;
        }
        return new ReadingInput(
                in.index(),
                in.indicator(),
                in.subject(),
                in.observedAt().minus(Duration.ofHours(1)),
                in.value(),
                in.unit(),
                in.source(),
                in.flag());
    }
}
