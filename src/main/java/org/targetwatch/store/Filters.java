package org.targetwatch.store;

import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;

/**
 * The WHERE clause of a list query with only the filters a request gave: an absent filter is left out of the SQL,
 * not tested with {@code $n IS NULL OR ...}. Each combination of filters is then a prepared statement of its own,
 * whose plan, custom or the generic one PostgreSQL switches to after five executions, can use the index of the
 * filtered columns. (A generic plan of the {@code IS NULL OR} form cannot: for alerts it walked the primary key
 * backwards through every row, 20–30 ms with 100,000 alerts and growing with the table.) Conditions come from code,
 * never from requests; values are always parameters.
 */
final class Filters {
    private final List<String> conditions = new ArrayList<>();
    private final List<Object> values = new ArrayList<>();

    /**
     * Adds {@code condition $n} if {@code value} is not null.
     *
     * @param condition a column and an operator, e.g. {@code "subject ="} or {@code "at >="}
     */
    Filters add(String condition, Object value) {
        if (value != null) {
            conditions.add(condition + " " + bind(value));
        }
        return this;
    }

    /** Adds a condition built by code (its values bound with {@link #bind}). */
    Filters condition(String sql) {
        conditions.add(sql);
        return this;
    }

    /** A parameter for another part of the statement (e.g. LIMIT): its placeholder. */
    String bind(Object value) {
        values.add(value);
        return "$" + values.size();
    }

    /** {@code WHERE a AND b}, or nothing if no filter was given. */
    String where() {
        return conditions.isEmpty() ? "" : "WHERE " + String.join(" AND ", conditions);
    }

    /** The values of the placeholders, in order. */
    Tuple tuple() {
        return Tuple.tuple(values);
    }

    /** A statement and its parameters. */
    record Query(String sql, Tuple params) {}
}
