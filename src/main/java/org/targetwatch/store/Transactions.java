package org.targetwatch.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import java.util.function.BiFunction;
import java.util.function.Function;

/** Transactions with fewer round trips than {@code Pool.withTransaction}. */
public final class Transactions {
    private Transactions() {}

    /**
     * Like {@code Pool.withTransaction}, minus one round trip: BEGIN goes to PostgreSQL together with the first
     * statement instead of being awaited on its own (the client pipelines them on the connection). Contract: the
     * first statement only reads and takes transaction-scoped locks, because if BEGIN failed it ran on its own;
     * nothing after it runs unless BEGIN succeeded. Commits if {@code rest} succeeds, rolls back otherwise, and
     * always returns the connection to the pool.
     */
    public static <F, T> Future<T> inTransaction(
            Pool pool, Function<SqlConnection, Future<F>> first, BiFunction<SqlConnection, F, Future<T>> rest) {
        return pool.getConnection().compose(conn -> {
            conn.exceptionHandler(DatabaseHealth::connectionFailed);
            Future<io.vertx.sqlclient.Transaction> begun = conn.begin();
            Future<F> firstDone = first.apply(conn);
            return Future.join(begun, firstDone)
                    .transform(settled -> {
                        if (begun.failed()) {
                            return Future.<T>failedFuture(begun.cause()); // the first statement ran alone: it only read
                        }
                        io.vertx.sqlclient.Transaction tx = begun.result();
                        Future<T> work;
                        try {
                            work = firstDone.failed()
                                    ? Future.failedFuture(firstDone.cause())
                                    : rest.apply(conn, firstDone.result());
                        } catch (RuntimeException e) {
                            work = Future.failedFuture(e);
                        }
                        return work.compose(
                                result -> tx.commit().map(result),
                                failure -> tx.rollback().transform(ignored -> Future.<T>failedFuture(failure)));
                    })
                    .eventually(conn::close);
        });
    }
}
