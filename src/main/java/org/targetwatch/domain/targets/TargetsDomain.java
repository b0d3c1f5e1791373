package org.targetwatch.domain.targets;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.targetwatch.common.Times;
import org.targetwatch.domain.Batch;
import org.targetwatch.domain.Domain;
import org.targetwatch.facts.IncomeInStep;
import org.targetwatch.facts.Reading;
import org.targetwatch.facts.TargetProgress;
import org.targetwatch.rules.RuleSet;
import org.targetwatch.rules.TargetDefinition;
import org.targetwatch.store.ReadingInput;
import org.targetwatch.store.ReadingStore;

/**
 * The work report's targets (rules/targets.json): the progress of each target a stored reading reports, with the
 * value of a year earlier for targets that must fall, and T06's income growth beside the GDP growth of the same
 * period. Takes no locks beyond the readings' subjects.
 */
public final class TargetsDomain implements Domain {
    private final ReadingStore readings;

    public TargetsDomain(ReadingStore readings) {
        this.readings = readings;
    }

    @Override
    public String name() {
        return "targets";
    }

    /** Progress of the target {@code def} as of reading {@code r}; {@code previous} for decrease targets. */
    public static TargetProgress progress(TargetDefinition def, Reading r, double previous) {
        LocalDate day = r.date();
        double share = def.share(day);
        double target = Double.isNaN(def.target()) ? 0 : def.target();
        double expected = def.paced() ? target * share : target;
        double projection = def.mode().equals("cumulative")
                ? (share > 0 ? r.value() / share : Double.NaN)
                : def.milestone() ? Double.NaN : r.value();
        return new TargetProgress(
                r.subject(),
                def.id(),
                r.indicator(),
                def.mode(),
                day,
                r.value(),
                target,
                share,
                expected,
                projection,
                def.due(),
                !day.isBefore(def.due()),
                previous,
                r.id());
    }

    /**
     * Progress facts of the report's targets for each stored target reading; for "decrease" targets the value of
     * the same date a year earlier is loaded (one statement for the batch).
     */
    @Override
    public Future<List<Object>> derive(Batch batch) {
        SqlConnection conn = batch.conn();
        List<Reading> stored = batch.stored();
        RuleSet ruleSet = batch.ruleSet();
        List<Reading> touched = new ArrayList<>();
        List<ReadingInput.Key> previousKeys = new ArrayList<>();
        for (Reading r : stored) {
            ruleSet.targetOf(r.indicator()).ifPresent(def -> {
                touched.add(r);
                if (def.mode().equals("decrease")) {
                    previousKeys.add(new ReadingInput.Key(r.indicator(), r.subject(), yearBefore(r.observedAt())));
                }
            });
        }
        Future<List<Object>> inStep = incomeInStep(conn, stored);
        if (touched.isEmpty()) {
            return inStep;
        }
        Future<Map<ReadingInput.Key, ReadingStore.Latest>> previous = previousKeys.isEmpty()
                ? Future.succeededFuture(Map.of())
                : inStep.compose(x -> readings.latestRevisions(conn, previousKeys));
        return previous.compose(p -> inStep.map(list -> p)).map(prev -> {
            List<Object> facts = new ArrayList<>();
            for (Reading r : touched) {
                TargetDefinition def = ruleSet.targetOf(r.indicator()).orElseThrow();
                ReadingStore.Latest p =
                        prev.get(new ReadingInput.Key(r.indicator(), r.subject(), yearBefore(r.observedAt())));
                facts.add(progress(def, r, p == null ? Double.NaN : p.value()));
            }
            facts.addAll(inStep.result());
            return facts;
        });
    }

    private static final String GDP_GROWTH = "TARGET_T01";
    private static final List<String> INCOME_GROWTH = List.of("TARGET_T06", "TARGET_T06_URBAN", "TARGET_T06_RURAL");

    /**
     * T06: each stored income growth reading with the GDP growth of the same subject and observedAt, and each stored
     * GDP growth reading with the income readings of that date (one statement for the batch; the batch's own
     * readings are visible to it).
     */
    private Future<List<Object>> incomeInStep(SqlConnection conn, List<Reading> stored) {
        Set<ReadingInput.Key> keys = new LinkedHashSet<>();
        for (Reading r : stored) {
            if (INCOME_GROWTH.contains(r.indicator()) || r.indicator().equals(GDP_GROWTH)) {
                keys.add(new ReadingInput.Key(GDP_GROWTH, r.subject(), r.observedAt()));
                INCOME_GROWTH.forEach(i -> keys.add(new ReadingInput.Key(i, r.subject(), r.observedAt())));
            }
        }
        if (keys.isEmpty()) {
            return Future.succeededFuture(List.of());
        }
        return readings.latestRevisions(conn, new ArrayList<>(keys)).map(found -> {
            List<Object> out = new ArrayList<>();
            for (ReadingInput.Key k : keys) {
                if (!INCOME_GROWTH.contains(k.indicator()) || !found.containsKey(k)) {
                    continue;
                }
                ReadingStore.Latest gdp = found.get(new ReadingInput.Key(GDP_GROWTH, k.subject(), k.observedAt()));
                if (gdp != null) {
                    out.add(new IncomeInStep(
                            k.subject(),
                            k.indicator(),
                            k.observedAt().atZone(Times.ZONE).toLocalDate(),
                            found.get(k).value(),
                            gdp.value(),
                            List.of()));
                }
            }
            return out;
        });
    }

    private static java.time.Instant yearBefore(java.time.Instant at) {
        return at.atZone(Times.ZONE).minusYears(1).toInstant();
    }

    /** The module's entry ({@code META-INF/services/org.targetwatch.domain.DomainModule}); no locks of its own. */
    public static final class Module implements org.targetwatch.domain.DomainModule {
        @Override
        public int order() {
            return 30;
        }

        @Override
        public org.targetwatch.domain.Domain create(Services s) {
            return new TargetsDomain(s.readings());
        }
    }
}
