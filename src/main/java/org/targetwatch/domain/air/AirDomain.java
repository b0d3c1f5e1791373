package org.targetwatch.domain.air;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.targetwatch.common.Times;
import org.targetwatch.config.Indicator;
import org.targetwatch.config.IndicatorCatalog;
import org.targetwatch.domain.Batch;
import org.targetwatch.domain.Domain;
import org.targetwatch.domain.Locks;
import org.targetwatch.facts.AirDay;
import org.targetwatch.facts.AirYearToDate;
import org.targetwatch.facts.Reading;
import org.targetwatch.facts.Subject;
import org.targetwatch.rules.RuleSet;
import org.targetwatch.store.ReadingInput;
import org.targetwatch.store.SubjectStore;

/**
 * Air (GB 3095-2012, HJ 633-2012, HJ 663-2013): from a batch's hourly readings, the daily statistics and AQI of
 * each touched station-day (stored in {@code air_daily}), of the districts of those stations, and the
 * year-to-date and annual statistics of each district year whose days changed. Takes the locks of the districts
 * whose days it rewrites.
 */
public final class AirDomain implements Domain {
    private final SubjectStore subjects;
    private final IndicatorCatalog catalog;
    private final AirStore air;

    public AirDomain(SubjectStore subjects, IndicatorCatalog catalog, AirStore air) {
        this.subjects = subjects;
        this.catalog = catalog;
        this.air = air;
    }

    @Override
    public String name() {
        return "air";
    }

    /** The hourly values of the batch's station-days, read right behind the insert. */
    @Override
    public Future<?> ahead(SqlConnection conn, List<ReadingInput> inputs) {
        Set<AirStore.SubjectDay> days = new LinkedHashSet<>();
        for (ReadingInput in : inputs) {
            if (in.indicator().hourly()) {
                days.add(new AirStore.SubjectDay(
                        in.subject(), in.observedAt().atZone(Times.ZONE).toLocalDate()));
            }
        }
        return days.isEmpty() ? null : air.hourly(conn, days);
    }

    /**
     * The derived air facts a batch needs, loaded once per station-day: recomputes and stores the daily statistics
     * of every touched station-day and of the districts of those stations, then the year-to-date and annual
     * statistics of every touched station and district year.
     *
     * <p>The hourly values of the batch's station-days are asked for {@link #ahead} of the insert's result; they
     * are used only if the transaction stored nothing but first revisions (then they are the values a read now
     * would give).
     */
    @Override
    @SuppressWarnings("unchecked")
    public Future<List<Object>> derive(Batch batch) {
        SqlConnection conn = batch.conn();
        Map<String, Subject> known = batch.subjects();
        Future<Map<AirStore.SubjectDay, AirDays.Hours>> hourlyAhead =
                (Future<Map<AirStore.SubjectDay, AirDays.Hours>>) batch.ahead();
        Set<AirStore.SubjectDay> stationDays = new LinkedHashSet<>();
        for (Reading r : batch.stored()) {
            if (catalog.find(r.indicator()).map(Indicator::hourly).orElse(false)) {
                stationDays.add(new AirStore.SubjectDay(r.subject(), r.date()));
            }
        }
        if (stationDays.isEmpty()) {
            return Future.succeededFuture(List.of());
        }
        // the districts of the stations, for their airStandardFrom (a station inherits its district's)
        Set<String> districtIds = new TreeSet<>();
        for (AirStore.SubjectDay sd : stationDays) {
            Subject s = known.get(sd.subject());
            String d = s == null ? null : s.kind().equals("district") ? s.id() : s.district();
            if (d != null && !known.containsKey(d)) {
                districtIds.add(d);
            }
        }
        Future<Map<String, Subject>> districtsAhead =
                districtIds.isEmpty() ? Future.succeededFuture(Map.of()) : subjects.find(conn, districtIds);
        return districtsAhead.compose(found -> {
            Map<String, Subject> all = new java.util.HashMap<>(known);
            all.putAll(found);
            return derive(
                    conn,
                    stationDays,
                    all,
                    batch.ruleSet(),
                    batch.locks(),
                    hourlyAhead != null && batch.firstRevisionsOnly() ? hourlyAhead : null);
        });
    }

    /** The {@code airStandardFrom} of a station's or district's district, or null (the thresholds' own dates). */
    private static LocalDate standardFrom(Subject s, Map<String, Subject> known) {
        if (s == null) {
            return null;
        }
        Subject district = s.kind().equals("district") ? s : s.district() == null ? null : known.get(s.district());
        return district == null ? null : district.airStandardFrom();
    }

    private Future<List<Object>> derive(
            SqlConnection conn,
            Set<AirStore.SubjectDay> stationDays,
            Map<String, Subject> known,
            RuleSet ruleSet,
            Locks locks,
            Future<Map<AirStore.SubjectDay, AirDays.Hours>> hourlyAhead) {
        List<Object> facts = new ArrayList<>();
        List<AirDay> days = new ArrayList<>();
        boolean aheadHolds = hourlyAhead != null;
        Future<Map<AirStore.SubjectDay, AirDays.Hours>> hourlyValues = aheadHolds
                ? hourlyAhead.map(all -> {
                    Map<AirStore.SubjectDay, AirDays.Hours> mine = new LinkedHashMap<>(all);
                    mine.keySet().retainAll(stationDays);
                    return mine;
                })
                : air.hourly(conn, stationDays);
        return hourlyValues
                .compose(hourly -> {
                    hourly.forEach((key, hours) -> {
                        AirDays.Validity v = AirDays.Validity.of(
                                ruleSet.thresholds(), key.day(), standardFrom(known.get(key.subject()), known));
                        facts.addAll(AirDays.dailyStats(key.subject(), key.day(), hours, v));
                        days.add(AirDays.station(key.subject(), key.day(), hours, v));
                    });
                    return air.upsert(conn, days);
                })
                .compose(changedStations -> {
                    // the districts of the stations whose daily statistics changed, recomputed from their stations'
                    // days
                    // (one statement); a station-day still short of valid hours changes nothing upstream
                    Map<String, Set<LocalDate>> districtDates = new TreeMap<>();
                    for (AirStore.SubjectDay sd : changedStations) {
                        Subject station = known.get(sd.subject());
                        if (station != null && station.district() != null) {
                            districtDates
                                    .computeIfAbsent(station.district(), k -> new TreeSet<>())
                                    .add(sd.day());
                        }
                    }
                    if (districtDates.isEmpty()) {
                        return Future.<Set<AirStore.SubjectDay>>succeededFuture(Set.of());
                    }
                    List<String> ds = new ArrayList<>();
                    List<LocalDate> dd = new ArrayList<>();
                    districtDates.forEach((d, dates) -> dates.forEach(date -> {
                        ds.add(d);
                        dd.add(date);
                    }));
                    return locks.districts(districtDates.keySet())
                            .compose(v -> air.stationDays(conn, ds, dd))
                            .compose(byDistrict -> {
                                List<AirDay> districtDays = new ArrayList<>();
                                byDistrict.forEach((district, byDate) ->
                                        byDate.forEach((date, list) -> districtDays.add(AirDays.district(
                                                district,
                                                date,
                                                list,
                                                AirDays.Validity.of(
                                                        ruleSet.thresholds(),
                                                        date,
                                                        standardFrom(known.get(district), known))))));
                                days.addAll(districtDays);
                                return air.upsert(conn, districtDays);
                            });
                })
                .compose(changedDistricts -> {
                    facts.addAll(days);
                    // year-to-date and annual statistics are judged for districts only (see air.drl), and change only
                    // when
                    // one of their days did: one statement
                    Map<String, Set<Integer>> years = new TreeMap<>();
                    for (AirStore.SubjectDay d : changedDistricts) {
                        years.computeIfAbsent(d.subject(), k -> new TreeSet<>())
                                .add(d.day().getYear());
                    }
                    if (years.isEmpty()) {
                        return Future.succeededFuture(facts);
                    }
                    List<String> subjects = new ArrayList<>();
                    List<LocalDate> from = new ArrayList<>();
                    List<LocalDate> to = new ArrayList<>();
                    years.forEach((subject, ys) -> {
                        subjects.add(subject);
                        from.add(LocalDate.of(ys.iterator().next() - 1, 1, 1));
                        to.add(LocalDate.of(((TreeSet<Integer>) ys).last(), 12, 31));
                    });
                    return air.days(conn, subjects, from, to).map(bySubject -> {
                        years.forEach((subject, ys) -> {
                            List<AirYear.Day> list = bySubject.getOrDefault(subject, List.of());
                            for (int year : ys) {
                                AirYearToDate ytd = AirYear.yearToDate(subject, "district", year, list);
                                if (ytd != null) {
                                    facts.add(ytd);
                                }
                                facts.addAll(AirYear.annual(
                                        subject,
                                        "district",
                                        year,
                                        list,
                                        ruleSet.thresholds(),
                                        standardFrom(known.get(subject), known)));
                            }
                        });
                        return facts;
                    });
                });
    }

    /** The module's entry ({@code META-INF/services/org.targetwatch.domain.DomainModule}); takes district locks: first. */
    public static final class Module implements org.targetwatch.domain.DomainModule {
        @Override
        public int order() {
            return 10;
        }

        @Override
        public org.targetwatch.domain.Domain create(Services s) {
            return new AirDomain(s.subjects(), s.catalog(), new AirStore());
        }
    }
}
