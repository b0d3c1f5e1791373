package org.targetwatch.review;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Long-running review jobs (backtests) with progress. Kept in memory on the instance that runs them, for a day:
 * a restart loses running and finished jobs (run the backtest again).
 */
public final class Jobs {
    private static final long KEEP_MILLIS = 24L * 3600 * 1000;

    /** One job: its state, progress and result. Thread-safe. */
    public static final class Job {
        final String id;
        final String kind;
        final long created;
        volatile String status = "running";
        volatile long done;
        volatile long total;
        volatile JsonObject result;
        volatile JsonObject error;

        Job(String id, String kind, long created) {
            this.id = id;
            this.kind = kind;
            this.created = created;
        }

        public void progress(long done, long total) {
            this.done = done;
            this.total = total;
        }

        public JsonObject toJson() {
            return new JsonObject().put("id", id).put("kind", kind).put("status", status)
                    .put("progress", new JsonObject().put("done", done).put("total", total))
                    .put("result", result).put("error", error);
        }

        public String id() {
            return id;
        }

        public String status() {
            return status;
        }
    }

    private final Map<String, Job> jobs = new ConcurrentHashMap<>();
    private final Clock clock;

    public Jobs(Clock clock) {
        this.clock = clock;
    }

    /** Starts {@code work} as a job; failures are kept as the job's error with the exception's message. */
    public Job start(String kind, Function<Job, Future<JsonObject>> work) {
        long now = clock.millis();
        jobs.values().removeIf(j -> now - j.created > KEEP_MILLIS);
        Job job = new Job(UUID.randomUUID().toString(), kind, now);
        jobs.put(job.id, job);
        work.apply(job).onComplete(ar -> {
            if (ar.succeeded()) {
                job.result = ar.result();
                job.status = "done";
            } else {
                job.error = new JsonObject().put("message", String.valueOf(ar.cause().getMessage()));
                job.status = "failed";
            }
        });
        return job;
    }

    public Optional<Job> get(String id) {
        return Optional.ofNullable(jobs.get(id));
    }
}
