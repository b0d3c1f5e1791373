package org.targetwatch.domain.safety;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Production-safety accident grades of 国务院令第493号 第三条, loaded from {@code rules/accident-grades.json}: an
 * accident takes the highest grade whose minimum it reaches on any criterion (deaths, serious injuries, direct
 * economic loss in 万元); the minimums are inclusive (「以上」 includes the number). Immutable.
 */
public final class AccidentGrades {
    public static final String FILE = "accident-grades.json";

    /** One grade: rank 1 (一般) .. 4 (特别重大) and its inclusive minimums. */
    public record Grade(
            int rank,
            String name,
            String nameEn,
            double minDeaths,
            double minSeriousInjuries,
            double minDirectLossWan) {}

    private final List<Grade> grades;

    private AccidentGrades(List<Grade> grades) {
        this.grades = grades;
    }

    public static AccidentGrades parse(String text) {
        JsonArray list = new JsonObject(text).getJsonArray("grades");
        if (list == null || list.isEmpty()) {
            throw new IllegalArgumentException("missing 'grades'");
        }
        List<Grade> out = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            JsonObject o = list.getJsonObject(i);
            if (o.getInteger("rank") == null || o.getString("name") == null) {
                throw new IllegalArgumentException("grades[" + i + "]: needs rank and name");
            }
            out.add(new Grade(
                    o.getInteger("rank"),
                    o.getString("name"),
                    o.getString("nameEn", ""),
                    o.getDouble("minDeaths", 0.0),
                    o.getDouble("minSeriousInjuries", 0.0),
                    o.getDouble("minDirectLossWan", 0.0)));
        }
        out.sort(Comparator.comparingInt(Grade::rank).reversed());
        return new AccidentGrades(List.copyOf(out));
    }

    /** The grade of an accident; the lowest grade when no criterion reaches a higher one. */
    public Grade grade(double deaths, double seriousInjuries, double directLossWan) {
        for (Grade g : grades) {
            if (deaths >= g.minDeaths()
                    || seriousInjuries >= g.minSeriousInjuries()
                    || directLossWan >= g.minDirectLossWan()) {
                return g;
            }
        }
        return grades.get(grades.size() - 1);
    }
}
