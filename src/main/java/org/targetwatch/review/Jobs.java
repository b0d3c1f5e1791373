package org.targetwatch.review;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.targetwatch.store.JobStore;

/**
 * Long-running jobs (backtests, imports) in PostgreSQL, so that any instance answers for any job and a
 * restart loses none. A submitted job is queued; each instance claims one job at a time (oldest first) under a
 * lease it renews every {@value #RENEW_MILLIS} ms with the job's progress. A job whose instance died (its lease
 * ran out) is claimed again by another instance and run again (jobs are read-only, idempotent or, like imports, continue from
 * their own recorded progress), at most
 * {@link JobStore#MAX_ATTEMPTS} times; then it is failed with the reason. Finished jobs are kept for 30 days.
 */
public final class Jobs {
    private static final Logger LOG = LoggerFactory.getLogger(Jobs.class);
    static final long POLL_MILLIS = 1000;
    static final long RENEW_MILLIS = 5000;

    /** Reports progress; thread-safe. */
    public interface Progress {
        void progress(long done, long total);

        /**
         * True once this instance is stopping: a long job should stop at its next safe point and fail with
         * {@link Interrupted}, and the job is handed back to be continued (by this instance's successor or another).
         */
        default boolean stopping() {
            return false;
        }
    }

    /** The failure of a job that stopped because its instance is stopping; the job is queued again, not failed. */
    public static final class Interrupted extends RuntimeException {
        public Interrupted(String message) {
            super(message);
        }
    }

    /** What a kind of job does with its parameters. */
    public interface Work {
        Future<JsonObject> run(JsonObject params, Progress progress);
    }

    private final Vertx vertx;
    private final JobStore store;
    private final String instance =
            hostName() + "/" + UUID.randomUUID().toString().substring(0, 8);
    private final Map<String, Work> kinds = new ConcurrentHashMap<>();
    private volatile boolean busy;
    private volatile boolean stopping;
    private volatile Future<Void> current = Future.succeededFuture();
    private volatile boolean claiming;
    private long timer = -1;
    private long purgeTimer = -1;

    public Jobs(Vertx vertx, JobStore store) {
        this.vertx = vertx;
        this.store = store;
    }

    public void register(String kind, Work work) {
        kinds.put(kind, work);
    }

    /** Starts claiming jobs on this instance. */
    public void start() {
        timer = vertx.setPeriodic(POLL_MILLIS, id -> claim());
        purgeTimer = vertx.setPeriodic(3_600_000, id -> store.purge());
    }

    public void stop() {
        stopping = true;
        vertx.cancelTimer(timer);
        vertx.cancelTimer(purgeTimer);
    }

    /**
     * Stops claiming, asks the running job to stop at its next safe point and waits for it up to {@code timeout}:
     * a job that stopped so is queued again at once (not failed, its attempt not counted); one still running at the
     * timeout is taken over by another instance when its lease runs out. Blocking; not on an event loop.
     */
    public void stopAndRelease(java.time.Duration timeout) {
        stop();
        try {
            current.timeout(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)
                    .await();
        } catch (RuntimeException e) {
            LOG.warn("a job was still running when its instance stopped; another instance continues it once its"
                    + " lease runs out");
        }
    }

    /** Queues a job; this instance tries to claim it at once. Returns the job as {@link #get} shows it. */
    public Future<JsonObject> submit(String kind, JsonObject params, String createdBy) {
        return submit(UUID.randomUUID(), kind, params, createdBy);
    }

    /** {@link #submit(String, JsonObject, String)} under an id chosen by the caller. */
    public Future<JsonObject> submit(UUID jobId, String kind, JsonObject params, String createdBy) {
        return store.insert(jobId, kind, params, createdBy).compose(id -> {
            claim();
            return store.get(id).map(Optional::orElseThrow);
        });
    }

    public Future<Optional<JsonObject>> get(String id) {
        UUID uuid;
        try {
            uuid = UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            return Future.succeededFuture(Optional.empty());
        }
        return store.get(uuid);
    }

    private void claim() {
        if (busy || claiming || stopping) {
            return;
        }
        claiming = true;
        store.claim(instance).onComplete(ar -> {
            claiming = false;
            if (ar.failed() || ar.result().isEmpty()) {
                return;
            }
            busy = true;
            current = run(ar.result().get());
            current.onComplete(done -> {
                busy = false;
                claim();
            });
        });
    }

    private Future<Void> run(JobStore.Claimed job) {
        Work work = kinds.get(job.kind());
        if (work == null) {
            return store.finish(
                    job.id(), instance, null, new JsonObject().put("message", "unknown job kind " + job.kind()));
        }
        if (job.attempts() > 1) {
            LOG.info(
                    "job {} ({}) taken over after its instance stopped (attempt {})",
                    job.id(),
                    job.kind(),
                    job.attempts());
        }
        long[] progress = {0, 0};
        Progress p = new Progress() {
            @Override
            public void progress(long d, long t) {
                synchronized (progress) {
                    progress[0] = d;
                    progress[1] = t;
                }
            }

            @Override
            public boolean stopping() {
                return stopping;
            }
        };
        long renew = vertx.setPeriodic(RENEW_MILLIS, id -> {
            long d;
            long t;
            synchronized (progress) {
                d = progress[0];
                t = progress[1];
            }
            store.renew(job.id(), instance, d, t);
        });
        Future<JsonObject> result;
        try {
            result = work.run(job.params(), p);
        } catch (RuntimeException e) {
            result = Future.failedFuture(e);
        }
        return result.transform(ar -> {
            vertx.cancelTimer(renew);
            long d;
            long t;
            synchronized (progress) {
                d = progress[0];
                t = progress[1];
            }
            if (ar.failed() && ar.cause() instanceof Interrupted) {
                LOG.info(
                        "job {} ({}) handed back: {}",
                        job.id(),
                        job.kind(),
                        ar.cause().getMessage());
                return store.renew(job.id(), instance, d, t)
                        .compose(x -> store.release(job.id(), instance))
                        .mapEmpty();
            }
            return store.renew(job.id(), instance, d, t)
                    .compose(x -> ar.succeeded()
                            ? store.finish(job.id(), instance, ar.result(), null)
                            : store.finish(
                                    job.id(),
                                    instance,
                                    null,
                                    new JsonObject()
                                            .put(
                                                    "message",
                                                    String.valueOf(ar.cause().getMessage()))));
        });
    }

    private static String hostName() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            return "instance";
        }
    }
}
