package org.targetwatch.domain.water;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.targetwatch.domain.Batch;
import org.targetwatch.domain.Domain;
import org.targetwatch.domain.Locks;
import org.targetwatch.facts.Reading;
import org.targetwatch.facts.Subject;
import org.targetwatch.facts.WaterAssessment;
import org.targetwatch.store.SubjectStore;

/**
 * Surface and drinking water (GB 3838-2002 by 环办〔2011〕22号): the assessment of each touched sample, of the month
 * and year of its subject, and the drinking-water compliance of each touched region and month. Takes the locks of
 * those regions.
 */
public final class WaterDomain implements Domain {
    private final SubjectStore subjects;
    private final WaterStore water;

    public WaterDomain(SubjectStore subjects, WaterStore water) {
        this.subjects = subjects;
        this.water = water;
    }

    @Override
    public String name() {
        return "water";
    }

    /**
     * The water assessments a batch needs: each touched sample, the means of each touched month and year of its
     * subject, and the drinking-water compliance rate of each touched region and month.
     */
    @Override
    public Future<List<Object>> derive(Batch batch) {
        SqlConnection conn = batch.conn();
        Map<String, Subject> known = batch.subjects();
        Locks locks = batch.locks();
        WaterClasses table = batch.ruleSet().table(WaterClasses.class);
        List<Reading> touched = new ArrayList<>();
        for (Reading r : batch.stored()) {
            if (table.covers(r.indicator())) {
                touched.add(r);
            }
        }
        if (touched.isEmpty()) {
            return Future.succeededFuture(List.of());
        }
        Set<String> subjectYears = new LinkedHashSet<>();
        List<WaterStore.Range> ranges = new ArrayList<>();
        for (Reading r : touched) {
            int y = r.date().getYear();
            if (subjectYears.add(r.subject() + "|" + y)) {
                ranges.add(new WaterStore.Range(r.subject(), LocalDate.of(y, 1, 1), LocalDate.of(y + 1, 1, 1)));
            }
        }
        List<Object> facts = new ArrayList<>();
        return water.readings(conn, ranges).compose(all -> {
            Map<String, List<Reading>> bySample = new TreeMap<>();
            Map<String, List<Reading>> byMonth = new TreeMap<>();
            Map<String, List<Reading>> byYear = new TreeMap<>();
            for (Reading r : all) {
                bySample.computeIfAbsent(r.subject() + "|" + r.observedAt(), k -> new ArrayList<>())
                        .add(r);
                byMonth.computeIfAbsent(r.subject() + "|" + YearMonth.from(r.date()), k -> new ArrayList<>())
                        .add(r);
                byYear.computeIfAbsent(r.subject() + "|" + r.date().getYear(), k -> new ArrayList<>())
                        .add(r);
            }
            Set<String> samples = new LinkedHashSet<>();
            Set<String> months = new LinkedHashSet<>();
            Set<String> years = new LinkedHashSet<>();
            Map<String, Set<YearMonth>> regionMonths = new TreeMap<>();
            for (Reading r : touched) {
                Subject s = known.get(r.subject());
                String sampleKey = r.subject() + "|" + r.observedAt();
                if (samples.add(sampleKey)) {
                    facts.add(WaterStats.assess(table, s, "sample", r.date().toString(), bySample.get(sampleKey)));
                }
                String monthKey = r.subject() + "|" + YearMonth.from(r.date());
                if (months.add(monthKey)) {
                    facts.add(WaterStats.assess(
                            table, s, "month", YearMonth.from(r.date()).toString(), byMonth.get(monthKey)));
                }
                String yearKey = r.subject() + "|" + r.date().getYear();
                if (years.add(yearKey)) {
                    facts.add(WaterStats.assess(
                            table, s, "year", String.valueOf(r.date().getYear()), byYear.get(yearKey)));
                }
                if (WaterStats.countyLevel(s)) {
                    regionMonths
                            .computeIfAbsent(s.region(), k -> new TreeSet<>())
                            .add(YearMonth.from(r.date()));
                }
            }
            // the compliance of a region's month reads every source of the region: its lock keeps concurrent
            // batches of two sources from each judging it from a snapshot missing the other's samples
            Future<Void> chain = locks.regions(regionMonths.keySet());
            for (Map.Entry<String, Set<YearMonth>> e : regionMonths.entrySet()) {
                chain = chain.compose(x -> subjects.list(conn, "drinking-water-source", e.getKey())
                        .compose(list -> {
                            List<Subject> sources = list.stream()
                                    .filter(WaterStats::countyLevel)
                                    .toList();
                            List<WaterStore.Range> monthRanges = new ArrayList<>();
                            for (YearMonth m : e.getValue()) {
                                for (Subject src : sources) {
                                    monthRanges.add(new WaterStore.Range(
                                            src.id(),
                                            m.atDay(1),
                                            m.plusMonths(1).atDay(1)));
                                }
                            }
                            return water.readings(conn, monthRanges).map(rs -> {
                                for (YearMonth m : e.getValue()) {
                                    List<WaterAssessment> monthly = new ArrayList<>();
                                    for (Subject src : sources) {
                                        List<Reading> mine = rs.stream()
                                                .filter(r -> r.subject().equals(src.id())
                                                        && YearMonth.from(r.date())
                                                                .equals(m))
                                                .toList();
                                        if (!mine.isEmpty()) {
                                            monthly.add(WaterStats.assess(table, src, "month", m.toString(), mine));
                                        }
                                    }
                                    facts.add(WaterStats.compliance(e.getKey(), m.toString(), monthly));
                                }
                                return null;
                            });
                        }));
            }
            return chain.map(facts);
        });
    }

    /** The module's entry ({@code META-INF/services/org.targetwatch.domain.DomainModule}); takes region locks: after air. */
    public static final class Module implements org.targetwatch.domain.DomainModule {
        @Override
        public int order() {
            return 20;
        }

        @Override
        public org.targetwatch.domain.Domain create(Services s) {
            return new WaterDomain(s.subjects(), new WaterStore());
        }
    }
}
