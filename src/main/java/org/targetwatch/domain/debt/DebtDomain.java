package org.targetwatch.domain.debt;

import io.vertx.core.Future;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.targetwatch.common.Times;
import org.targetwatch.domain.Batch;
import org.targetwatch.domain.Domain;
import org.targetwatch.facts.DebtQuotaCheck;
import org.targetwatch.facts.Reading;
import org.targetwatch.store.ReadingStore;

/**
 * Government debt: new debt against the quota of its year (「严格控制新增债务」), from the latest DEBT_NEW and
 * DEBT_NEW_QUOTA reported for the subject's calendar year; the check waits until both are reported. The debt ratio
 * (DEBT_RATIO) needs no derivation: its rules judge the reading itself. Takes no locks beyond the readings'
 * subjects.
 */
public final class DebtDomain implements Domain {
    private final ReadingStore readings;

    public DebtDomain(ReadingStore readings) {
        this.readings = readings;
    }

    @Override
    public String name() {
        return "debt";
    }

    @Override
    public Future<List<Object>> derive(Batch batch) {
        Map<String, Reading> years = new LinkedHashMap<>();
        for (Reading r : batch.stored()) {
            if (r.indicator().equals("DEBT_NEW") || r.indicator().equals("DEBT_NEW_QUOTA")) {
                years.putIfAbsent(r.subject() + "|" + r.date().getYear(), r);
            }
        }
        if (years.isEmpty()) {
            return Future.succeededFuture(List.of());
        }
        List<Reading> firsts = new ArrayList<>(years.values());
        List<ReadingStore.RangeKey> keys = new ArrayList<>();
        for (Reading r : firsts) {
            int y = r.date().getYear();
            Instant from = LocalDate.of(y, 1, 1).atStartOfDay(Times.ZONE).toInstant();
            Instant to = LocalDate.of(y + 1, 1, 1).atStartOfDay(Times.ZONE).toInstant();
            keys.add(new ReadingStore.RangeKey(r.subject(), "DEBT_NEW", from, to));
            keys.add(new ReadingStore.RangeKey(r.subject(), "DEBT_NEW_QUOTA", from, to));
        }
        return readings.latestInRange(batch.conn(), keys).map(found -> {
            List<Object> facts = new ArrayList<>();
            for (int i = 0; i < firsts.size(); i++) {
                ReadingStore.Observed newDebt = found.get(keys.get(2 * i));
                ReadingStore.Observed quota = found.get(keys.get(2 * i + 1));
                if (newDebt != null && quota != null) {
                    Reading r = firsts.get(i);
                    facts.add(new DebtQuotaCheck(
                            r.subject(),
                            r.date().getYear(),
                            r.date(),
                            newDebt.value(),
                            quota.value(),
                            List.of(newDebt.id(), quota.id())));
                }
            }
            return facts;
        });
    }

    /** The module's entry ({@code META-INF/services/org.targetwatch.domain.DomainModule}); no locks of its own. */
    public static final class Module implements org.targetwatch.domain.DomainModule {
        @Override
        public int order() {
            return 50;
        }

        @Override
        public org.targetwatch.domain.Domain create(Services s) {
            return new DebtDomain(s.readings());
        }
    }
}
