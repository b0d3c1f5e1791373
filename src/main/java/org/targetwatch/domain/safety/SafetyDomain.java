package org.targetwatch.domain.safety;

import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.targetwatch.domain.Batch;
import org.targetwatch.domain.Domain;
import org.targetwatch.facts.Accident;
import org.targetwatch.facts.Reading;
import org.targetwatch.store.ReadingInput;
import org.targetwatch.store.ReadingStore;

/**
 * Production safety: an accident is the three SAFETY_ACCIDENT_* values of one subject and observedAt (a value not
 * reported yet counts 0), graded by 国务院令第493号 ({@code rules/accident-grades.json}). A later report of one of
 * the values re-grades the same accident. Takes no locks beyond the readings' subjects.
 */
public final class SafetyDomain implements Domain {
    static final List<String> ACCIDENT_INDICATORS =
            List.of("SAFETY_ACCIDENT_DEATHS", "SAFETY_ACCIDENT_SERIOUS_INJURIES", "SAFETY_ACCIDENT_DIRECT_LOSS");
    private final ReadingStore readings;

    public SafetyDomain(ReadingStore readings) {
        this.readings = readings;
    }

    @Override
    public String name() {
        return "safety";
    }

    @Override
    public Future<List<Object>> derive(Batch batch) {
        Map<String, Reading> accidents = new LinkedHashMap<>();
        for (Reading r : batch.stored()) {
            if (ACCIDENT_INDICATORS.contains(r.indicator())) {
                accidents.putIfAbsent(r.subject() + "|" + r.observedAt(), r);
            }
        }
        if (accidents.isEmpty()) {
            return Future.succeededFuture(List.of());
        }
        List<ReadingInput.Key> keys = new ArrayList<>();
        for (Reading r : accidents.values()) {
            for (String ind : ACCIDENT_INDICATORS) {
                keys.add(new ReadingInput.Key(ind, r.subject(), r.observedAt()));
            }
        }
        AccidentGrades grades = batch.ruleSet().table(AccidentGrades.class);
        return readings.latestRevisions(batch.conn(), keys).map(latest -> {
            List<Object> facts = new ArrayList<>();
            for (Reading r : accidents.values()) {
                double[] v = new double[3];
                for (int i = 0; i < 3; i++) {
                    ReadingStore.Latest l =
                            latest.get(new ReadingInput.Key(ACCIDENT_INDICATORS.get(i), r.subject(), r.observedAt()));
                    v[i] = l == null ? 0 : l.value();
                }
                AccidentGrades.Grade g = grades.grade(v[0], v[1], v[2]);
                List<Long> ids = batch.stored().stream()
                        .filter(x -> x.subject().equals(r.subject())
                                && x.observedAt().equals(r.observedAt())
                                && ACCIDENT_INDICATORS.contains(x.indicator()))
                        .map(Reading::id)
                        .toList();
                facts.add(
                        new Accident(r.subject(), r.observedAt(), r.date(), v[0], v[1], v[2], g.rank(), g.name(), ids));
            }
            return facts;
        });
    }

    /** The module's entry ({@code META-INF/services/org.targetwatch.domain.DomainModule}); no locks of its own. */
    public static final class Module implements org.targetwatch.domain.DomainModule {
        @Override
        public int order() {
            return 40;
        }

        @Override
        public org.targetwatch.domain.Domain create(Services s) {
            return new SafetyDomain(s.readings());
        }
    }
}
