package org.targetwatch.ingest;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.targetwatch.common.RejectedRequestException;
import org.targetwatch.facts.Reading;
import org.targetwatch.store.ReadingInput;
import org.targetwatch.store.ReadingStore;

/** The store stage: a transaction's readings written once each, corrections as new revisions, repeats not at all. */
final class ReadingWriter {
    private final ReadingStore readings;

    ReadingWriter(ReadingStore readings) {
        this.readings = readings;
    }

    /**
     * Writes the inputs under their subjects' locks (and records them in {@code reporting_state}): first revision
     * 1 of every key never stored (one statement; the common case needs no other), then, only for keys stored
     * already, the revision in force is read and a different value or flag is stored as the next revision (a
     * correction); an equal one is an idempotent repeat.
     *
     * @return the rows written: new readings and corrections (revision above 1)
     */
    Future<List<Reading>> store(
            SqlConnection conn,
            List<ReadingInput> inputs,
            java.util.function.Function<ReadingInput, Long> submitter,
            Instant now) {
        return readings.insertNew(conn, inputs, submitter, now).compose(fresh -> {
            if (fresh.size() == inputs.size()) {
                return Future.succeededFuture(fresh);
            }
            Set<ReadingInput.Key> freshKeys = new java.util.HashSet<>();
            fresh.forEach(r -> freshKeys.add(new ReadingInput.Key(r.indicator(), r.subject(), r.observedAt())));
            List<ReadingInput> existing =
                    inputs.stream().filter(in -> !freshKeys.contains(in.key())).toList();
            return readings.latestRevisions(
                            conn, existing.stream().map(ReadingInput::key).toList())
                    .compose(latest -> {
                        List<ReadingInput> toStore = new ArrayList<>();
                        List<Integer> revisions = new ArrayList<>();
                        corrections(existing, latest, toStore, revisions);
                        if (toStore.isEmpty()) {
                            return Future.succeededFuture(fresh);
                        }
                        return readings.insert(conn, toStore, revisions, submitter, now)
                                .map(more -> {
                                    List<Reading> all = new ArrayList<>(fresh);
                                    all.addAll(more);
                                    return all;
                                });
                    });
        });
    }

    /**
     * The corrections among inputs whose keys are stored already (the insert of first revisions skipped them): an
     * input whose value or data flag differs from the revision in force is stored as the next revision (a logger
     * that re-sends an hour once its maintenance flag is lifted corrects it); an equal value and flag is an
     * idempotent repeat and is left out.
     */
    private static void corrections(
            List<ReadingInput> existing,
            Map<ReadingInput.Key, ReadingStore.Latest> latest,
            List<ReadingInput> toStore,
            List<Integer> revisions) {
        for (ReadingInput in : existing) {
            ReadingStore.Latest l = latest.get(in.key());
            if (Double.compare(l.value(), in.value()) != 0 || !java.util.Objects.equals(l.flag(), in.flag())) {
                if (l.revision() >= ReadingStore.MAX_REVISION) {
                    throw new InvalidReadingException(List.of(new RejectedRequestException.FieldError(
                            in.index(),
                            "value",
                            "this observation of " + in.subject() + " ("
                                    + in.indicator().code() + " at "
                                    + org.targetwatch.common.Times.format(in.observedAt()) + ") has "
                                    + ReadingStore.MAX_REVISION + " revisions already, the most a reading keeps;"
                                    + " nothing was stored")));
                }
                toStore.add(in);
                revisions.add(l.revision() + 1);
            }
        }
    }
}
