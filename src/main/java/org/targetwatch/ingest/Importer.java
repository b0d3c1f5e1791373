package org.targetwatch.ingest;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.targetwatch.alerts.Notifier;
import org.targetwatch.common.RejectedRequestException.FieldError;
import org.targetwatch.common.Times;
import org.targetwatch.config.Hj212Codes;
import org.targetwatch.config.Indicator;
import org.targetwatch.facts.Subject;
import org.targetwatch.ingest.hj212.Hj212Frame;
import org.targetwatch.ingest.hj212.Hj212Packet;
import org.targetwatch.ingest.hj212.Hj212Readings;
import org.targetwatch.store.ImportStore;
import org.targetwatch.store.ReadingInput;
import org.targetwatch.store.SubjectStore;

/**
 * Runs one import (a job of kind {@code import}) in two phases, on a thread of its own so that the event loops stay
 * free:
 * <ol>
 *   <li><b>reading</b>: the uploaded file is read in tables of {@value #CHUNK_ROWS} rows ({@link ImportFile}),
 *       each validated exactly as a posted body; a row that fails is refused alone (import_errors, with the reason)
 *       and the others are staged (import_rows), start-labelled, with their subject registered and of a kind their
 *       indicator allows. A second row for an hour already staged with another value is refused as a conflict.
 *       An interrupted reading starts over.</li>
 *   <li><b>applying</b>: the staged readings go through the ingest path ({@link IngestQueue}: validation, group
 *       commit, derivation, rules, alerts) whole station-days at a time, about {@value #GROUP_READINGS} readings per
 *       transaction, in (station, day) order, {@value #GROUPS_IN_FLIGHT} transactions at a time. The cursor (last
 *       station-day applied) is recorded after each commit, in order, so an interrupted import continues after it
 *       and never leaves a station-day half applied.</li>
 * </ol>
 * Alerts of readings older than {@code liveWindowHours} are historical and notify no one
 * ({@link org.targetwatch.alerts.LiveWindow}); at the end each office gets one summary
 * ({@link Notifier#importSummary}). Importing a file again stores nothing: its readings are repeats.
 */
public final class Importer {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Importer.class);
    static final int CHUNK_ROWS = 5000;
    static final int GROUP_READINGS = 5000;
    /** Station-days fetched at a time (see {@link #apply}). */
    static final int DAYS_PAGE = 1000;
    /** Attempts of one station-day group whose transaction failed (the database away, a deadlock) before giving up. */
    static final int APPLY_ATTEMPTS = 10;

    /** What the job runner offers: progress and whether to stop. */
    public interface Progress {
        void progress(long done, long total);

        boolean stopping();
    }

    /** The import stopped because its server is stopping; it continues from its cursor when claimed again. */
    public static final class Stopped extends RuntimeException {
        Stopped(String message) {
            super(message);
        }
    }

    private final Vertx vertx;
    private final ImportStore store;
    private final ReadingParser parser;
    private final IngestQueue queue;
    private final SubjectStore subjects;
    private final Hj212Codes codes;
    private final Notifier notifier;
    private final Clock clock;

    public Importer(
            Vertx vertx,
            ImportStore store,
            ReadingParser parser,
            IngestQueue queue,
            SubjectStore subjects,
            Hj212Codes codes,
            Notifier notifier,
            Clock clock) {
        this.vertx = vertx;
        this.store = store;
        this.parser = parser.withMaxBatch(Integer.MAX_VALUE / 2);
        this.queue = queue;
        this.subjects = subjects;
        this.codes = codes;
        this.notifier = notifier;
        this.clock = clock;
    }

    /** Runs (or continues) the import; completes with the import as the API shows it. */
    public Future<JsonObject> run(UUID id, Progress progress) {
        Context ctx = vertx.getOrCreateContext();
        Promise<JsonObject> promise = Promise.promise();
        Thread t = new Thread(
                () -> {
                    try {
                        JsonObject done = body(ctx, id, progress);
                        ctx.runOnContext(v -> promise.complete(done));
                    } catch (Throwable e) {
                        ctx.runOnContext(v -> promise.fail(e));
                    }
                },
                "import-" + id.toString().substring(0, 8));
        t.setDaemon(true);
        t.start();
        return promise.future();
    }

    private JsonObject body(Context ctx, UUID id, Progress progress) throws Exception {
        Row row = await(ctx, () -> store.row(id)).orElseThrow(() -> new IllegalStateException("no import " + id));
        String phase = row.getString("phase");
        if (phase.equals("done")) {
            return await(ctx, () -> store.get(id, clock.instant())).orElseThrow();
        }
        if (!phase.equals("applying")) {
            try {
                read(ctx, id, row, progress);
            } catch (Stopped e) {
                throw e;
            } catch (Exception e) {
                String message = "the file could not be read: " + e.getMessage();
                await(ctx, () -> store.finish(id, message));
                deleteFile(row);
                throw new IllegalStateException(message, e);
            }
            row = await(ctx, () -> store.row(id)).orElseThrow();
        } else {
            LOG.info(
                    "import {} continues after station-day {} {}",
                    id,
                    row.getString("cursor_subject"),
                    row.getLocalDate("cursor_day"));
        }
        try {
            apply(ctx, id, row, progress);
        } catch (Stopped e) {
            throw e;
        } catch (RuntimeException e) {
            Row at = await(ctx, () -> store.row(id)).orElseThrow();
            String where = at.getString("cursor_subject") == null
                    ? "before its first station-day"
                    : "after station-day " + at.getString("cursor_subject") + " " + at.getLocalDate("cursor_day");
            String message = "stopped " + where + ": " + e.getMessage();
            await(ctx, () -> store.finish(id, message));
            deleteFile(row);
            throw new IllegalStateException(message, e);
        }
        JsonObject done = await(ctx, () -> store.get(id, clock.instant())).orElseThrow();
        JsonObject alerts =
                (JsonObject) await(ctx, () -> store.row(id)).orElseThrow().getJson("alerts");
        await(ctx, () -> notifier.importSummary(done.copy().put("status", "done"), alerts, clock.instant()));
        await(ctx, () -> store.finish(id, null));
        deleteFile(row);
        LOG.info(
                "import {} ({}) done: {} rows read, {} stored, {} unchanged, {} refused, {} alerts",
                id,
                done.getString("fileName"),
                done.getLong("rowsRead"),
                done.getLong("stored"),
                done.getLong("unchanged"),
                done.getLong("refused"),
                alerts.size());
        return await(ctx, () -> store.get(id, clock.instant())).orElseThrow();
    }

    /** The uploaded file, once the import has ended (its readings are stored, its refused rows listed). */
    private static void deleteFile(Row row) {
        try {
            java.nio.file.Files.deleteIfExists(Path.of(row.getString("path")));
        } catch (java.io.IOException e) {
            LOG.warn("could not delete the imported file {}: {}", row.getString("path"), e.toString());
        }
    }

    /** The reading phase (see the class comment). */
    private void read(Context ctx, UUID id, Row row, Progress progress) throws Exception {
        await(ctx, () -> store.startReading(id));
        JsonObject params = (JsonObject) row.getJson("params");
        Map<String, String> mapping = new HashMap<>();
        JsonObject m = params.getJsonObject("mapping", new JsonObject());
        m.fieldNames().forEach(k -> mapping.put(k, m.getString(k)));
        ReadingParser.CsvOptions options =
                new ReadingParser.CsvOptions(params.getString("charset"), mapping, params.getString("subject"));
        String hourLabel = params.getString("hourLabel");
        Map<String, Subject> known = new HashMap<>();
        Set<String> unknown = new HashSet<>();
        long[] counts = new long[4]; // rows read, readings staged, rows refused, rows skipped
        List<String> ignored = new ArrayList<>();
        ImportFile.Sink sink = (table, first, bytesRead) -> {
            if (progress.stopping()) {
                throw new Stopped("the server is stopping; the file is read again when the import continues");
            }
            List<ImportStore.Refused> refused = new ArrayList<>();
            ReadingParser.TableBatch parsed = parse(table, first, options, refused);
            counts[0] += table.rows().size() - 1;
            if (parsed != null) {
                if (ignored.isEmpty()) {
                    ignored.addAll(parsed.batch().ignoredColumns());
                }
                List<Given> given = new ArrayList<>();
                for (ReadingInput in : parsed.batch().readings()) {
                    given.add(new Given(in, first + parsed.rowOfItem()[in.index()], hourLabel));
                }
                stage(ctx, id, given, known, unknown, refused, counts);
            }
            recordChunk(ctx, id, refused, counts, bytesRead, row, progress);
        };
        Path file = Path.of(row.getString("path"));
        if (ImportFile.isPacketLog(row.getString("content_type"))) {
            readPacketLog(ctx, id, file, hourLabel, known, unknown, counts, row, progress);
        } else if (ImportFile.isWorkbook(row.getString("content_type"))) {
            ImportFile.readWorkbook(file, CHUNK_ROWS, Integer.MAX_VALUE / 2, sink);
        } else {
            ImportFile.readCsv(file, params.getString("charset"), CHUNK_ROWS, sink);
        }
        await(ctx, () -> store.startApplying(id, ignored));
    }

    /**
     * Parses a table; rows that fail are refused (with every reason given) and the table is parsed again without
     * them, until what is left parses. Null when no row is left.
     */
    private ReadingParser.TableBatch parse(
            ReadingParser.Table table,
            long first,
            ReadingParser.CsvOptions options,
            List<ImportStore.Refused> refused) {
        List<List<String>> rows = new ArrayList<>(table.rows());
        List<Integer> numbers = table.rowNumbers() == null ? null : new ArrayList<>(table.rowNumbers());
        List<Long> fileRows = new ArrayList<>();
        for (int i = 0; i + 1 < rows.size(); i++) {
            fileRows.add(first + i);
        }
        while (rows.size() > 1) {
            ReadingParser.Table t = new ReadingParser.Table(table.sheet(), rows, numbers, table.serialDates());
            try {
                ReadingParser.TableBatch parsed = parser.parseTable(t, options, clock.instant());
                // the table's data rows are the file's rows at fileRows
                int[] byItem = parsed.rowOfItem();
                for (int i = 0; i < byItem.length; i++) {
                    byItem[i] = (int) (fileRows.get(byItem[i]) - first);
                }
                return parsed;
            } catch (InvalidReadingException e) {
                Set<Integer> bad = new java.util.TreeSet<>(java.util.Comparator.reverseOrder());
                for (FieldError fe : e.errors()) {
                    if (fe.index() == null) {
                        return null; // "the file holds no readings": nothing but empty cells
                    }
                    bad.add(fe.index());
                    refused.add(new ImportStore.Refused(
                            fileRows.get(fe.index()), fe.field(), inFileTerms(fe, t, fileRows)));
                }
                for (int i : bad) {
                    rows.remove(i + 1);
                    if (numbers != null) {
                        numbers.remove(i + 1);
                    }
                    fileRows.remove(i);
                }
            }
        }
        return null;
    }

    private static final java.util.regex.Pattern CONFLICT =
            java.util.regex.Pattern.compile("conflicts with item (\\d+): (.*)");

    /**
     * A refusal as the file's reader sees it: in a long-layout table an item is a row, and the item an error names
     * is the file's row.
     */
    private static String inFileTerms(FieldError fe, ReadingParser.Table t, List<Long> fileRows) {
        java.util.regex.Matcher m = CONFLICT.matcher(fe.message());
        if (m.matches() && t.rows().get(0).contains("indicator")) {
            int item = Integer.parseInt(m.group(1));
            if (item < fileRows.size()) {
                return "conflicts with row " + fileRows.get(item)
                        + ": the same indicator, subject and hour with another value or flag; import corrections in a"
                        + " file of their own";
            }
        }
        return fe.message();
    }

    /** A reading read from the file: where it came from and the hour label it is read with. */
    private record Given(ReadingInput in, long fileRow, String hourLabel) {}

    /** A chunk's refusals and counts recorded, its progress reported. */
    private void recordChunk(
            Context ctx,
            UUID id,
            List<ImportStore.Refused> refused,
            long[] counts,
            long bytesRead,
            Row row,
            Progress progress) {
        Set<Long> refusedRows = new HashSet<>();
        refused.forEach(r -> refusedRows.add(r.row()));
        counts[2] += refusedRows.size();
        await(ctx, () -> store.refuse(id, refused));
        await(ctx, () -> store.readProgress(id, bytesRead, counts[0], counts[1], counts[2], counts[3]));
        progress.progress(bytesRead, row.getLong("bytes"));
    }

    /**
     * The reading phase of an HJ 212 packet log: each line is one packet, taken as the logger's live packet would
     * be ({@link Hj212Readings}): a line that is no valid frame, whose MN names no station or whose PW is wrong, or
     * whose values are invalid is refused; a packet with nothing to store (real-time, minute, daily data) is
     * skipped; the readings of the others are staged. A packet sent twice (loggers re-send unanswered ones) is
     * staged once; the same hour sent again with another value is refused as a conflict.
     */
    private void readPacketLog(
            Context ctx,
            UUID id,
            Path file,
            String hourLabel,
            Map<String, Subject> known,
            Set<String> unknown,
            long[] counts,
            Row row,
            Progress progress)
            throws java.io.IOException {
        Map<String, java.util.Optional<Subject>> byMn = new HashMap<>();
        ImportFile.readLines(file, CHUNK_ROWS, (lines, bytesRead) -> {
            if (progress.stopping()) {
                throw new Stopped("the server is stopping; the file is read again when the import continues");
            }
            List<ImportStore.Refused> refused = new ArrayList<>();
            Map<String, Given> seen = new HashMap<>();
            List<Given> given = new ArrayList<>();
            for (ImportFile.LogLine l : lines) {
                long line = l.number();
                byte[] text = l.packet();
                counts[0]++;
                if (text == null) {
                    refused.add(new ImportStore.Refused(
                            line, "frame", "the line is longer than " + ImportFile.MAX_LOG_LINE + " bytes"));
                    continue;
                }
                Hj212Packet p;
                try {
                    p = Hj212Packet.parse(Hj212Frame.decode(text).data());
                } catch (Hj212Frame.BadFrameException | Hj212Packet.BadPacketException e) {
                    refused.add(new ImportStore.Refused(
                            line,
                            "frame",
                            text.length == 0 ? "no HJ 212 packet (##...) on this line" : e.getMessage()));
                    continue;
                }
                java.util.Optional<Subject> station =
                        byMn.computeIfAbsent(p.mn(), mn -> await(ctx, () -> subjects.findByHj212Mn(mn)));
                if (station.isEmpty()) {
                    refused.add(
                            new ImportStore.Refused(line, "MN", "no subject has the MN '" + p.mn() + "' (hj212.mn)"));
                    continue;
                }
                JsonObject setting = Hj212Readings.setting(station.get());
                if (!Hj212Readings.passwordMatches(setting, p)) {
                    refused.add(new ImportStore.Refused(
                            line,
                            "PW",
                            "the PW is not that of subject " + station.get().id()));
                    continue;
                }
                Hj212Readings.Decoded d =
                        Hj212Readings.decode(p, station.get(), setting, codes, parser, clock.instant());
                if (d.refused()) {
                    d.problems().forEach(fe -> refused.add(new ImportStore.Refused(line, fe.field(), fe.message())));
                    continue;
                }
                if (d.batch() == null) {
                    counts[3]++;
                    continue;
                }
                known.putIfAbsent(station.get().id(), station.get());
                String label = hourLabel != null ? hourLabel : d.batch().hourLabel();
                for (ReadingInput in : d.batch().readings()) {
                    Given g = new Given(in, line, label);
                    ReadingInput start = HourLabels.toStart(in, label, null);
                    String key = start.subject() + '\u0000' + start.indicator().code() + '\u0000' + start.observedAt();
                    Given before = seen.putIfAbsent(key, g);
                    if (before == null) {
                        given.add(g);
                    } else if (Double.compare(before.in().value(), in.value()) != 0
                            || !java.util.Objects.equals(before.in().flag(), in.flag())) {
                        refused.add(new ImportStore.Refused(
                                line,
                                in.indicator().code(),
                                "conflicts with line " + before.fileRow() + ": the same station, pollutant and hour"
                                        + " with another value or flag; import corrections in a file of their own"));
                    }
                }
            }
            stage(ctx, id, given, known, unknown, refused, counts);
            recordChunk(ctx, id, refused, counts, bytesRead, row, progress);
        });
    }

    /** Stages readings whose subject is registered and of the right kind; refuses the others. */
    private void stage(
            Context ctx,
            UUID id,
            List<Given> readings,
            Map<String, Subject> known,
            Set<String> unknown,
            List<ImportStore.Refused> refused,
            long[] counts) {
        Set<String> look = new HashSet<>();
        readings.forEach(g -> {
            if (!known.containsKey(g.in().subject()) && !unknown.contains(g.in().subject())) {
                look.add(g.in().subject());
            }
        });
        if (!look.isEmpty()) {
            Map<String, Subject> found = await(ctx, () -> subjects.find(look));
            known.putAll(found);
            look.stream().filter(s -> !found.containsKey(s)).forEach(unknown::add);
        }
        List<ImportStore.Staged> staged = new ArrayList<>();
        for (Given g : readings) {
            ReadingInput given = g.in();
            long fileRow = g.fileRow();
            Subject s = known.get(given.subject());
            if (s == null) {
                refused.add(new ImportStore.Refused(
                        fileRow,
                        "subject",
                        "unknown subject '" + given.subject() + "'; register it first (POST /api/v1/subjects)"));
                continue;
            }
            if (!given.indicator().subjectKinds().contains(s.kind())) {
                refused.add(new ImportStore.Refused(
                        fileRow,
                        "subject",
                        "subject '" + s.id() + "' is a " + s.kind() + "; "
                                + given.indicator().code() + " is reported for "
                                + String.join(" or ", given.indicator().subjectKinds())));
                continue;
            }
            ReadingInput in = HourLabels.toStart(given, g.hourLabel(), s);
            staged.add(new ImportStore.Staged(
                    in.subject(),
                    in.observedAt().atZone(Times.ZONE).toLocalDate(),
                    in.indicator().code(),
                    in.observedAt(),
                    in.value(),
                    in.flag(),
                    in.source(),
                    fileRow));
        }
        if (staged.isEmpty()) {
            return;
        }
        List<Long> outcome = await(ctx, () -> store.stage(id, staged));
        for (int i = 0; i < staged.size(); i++) {
            Long o = outcome.get(i);
            if (o == null) {
                counts[1]++;
            } else if (o >= 0) {
                refused.add(new ImportStore.Refused(
                        staged.get(i).row(),
                        "value",
                        "conflicts with row " + o + ": the same indicator, subject and hour with another value or"
                                + " flag; import corrections in a file of their own"));
            }
        }
    }

    /**
     * The applying phase (see the class comment). Up to {@value #GROUPS_IN_FLIGHT} groups are in the ingest path at
     * once (the next one's staged rows are read, and its transaction runs, while the previous one commits), so that
     * PostgreSQL and the evaluation use both cores; groups about the same station or district are serialised by
     * their locks there as any concurrent requests are. Their results are recorded strictly in order: the cursor
     * only ever moves past a group once it and every group before it have committed, so an interruption continues
     * after a prefix of whole station-days (a group that committed beyond the cursor is applied again on resumption,
     * and its readings are then repeats).
     */
    private void apply(Context ctx, UUID id, Row row, Progress progress) {
        String subject = row.getString("cursor_subject");
        java.time.LocalDate day = row.getLocalDate("cursor_day");
        long total = row.getLong("readings");
        long[] applied = {row.getLong("applied")};
        Long submittedBy = row.getLong("submitted_by");
        await(ctx, store::analyze);
        java.util.ArrayDeque<ImportStore.Day> pending = new java.util.ArrayDeque<>();
        java.util.ArrayDeque<InFlight> inFlight = new java.util.ArrayDeque<>();
        java.util.concurrent.ExecutorService groups =
                java.util.concurrent.Executors.newFixedThreadPool(GROUPS_IN_FLIGHT, r -> {
                    Thread t = new Thread(r, Thread.currentThread().getName() + "-group");
                    t.setDaemon(true);
                    return t;
                });
        try {
            while (true) {
                if (progress.stopping()) {
                    drain(ctx, id, inFlight, applied, total, progress);
                    throw new Stopped(
                            "the server is stopping; the import continues after station-day " + subject + " " + day);
                }
                String afterSubject = subject;
                java.time.LocalDate afterDay = day;
                if (pending.isEmpty()) {
                    // a page of station-days serves the groups until it is used up (a page costs a scan of its
                    // days' rows: fetching one for each group read ~30 times the rows the group used)
                    pending.addAll(await(ctx, () -> store.days(id, afterSubject, afterDay, DAYS_PAGE)));
                }
                if (pending.isEmpty()) {
                    drain(ctx, id, inFlight, applied, total, progress);
                    return;
                }
                ImportStore.Day last = pending.removeFirst();
                long n = last.readings();
                while (!pending.isEmpty() && n + pending.peekFirst().readings() <= GROUP_READINGS) {
                    last = pending.removeFirst();
                    n += last.readings();
                }
                ImportStore.Day upTo = last;
                List<ImportStore.Staged> rows = await(ctx, () -> store.rows(id, afterSubject, afterDay, upTo));
                // the next group is fetched only once this one has arrived in the ingest queue, which keeps one
                // subject's requests in arrival order: a station's days are evaluated in order as without overlap
                java.util.concurrent.CountDownLatch arrived = new java.util.concurrent.CountDownLatch(1);
                inFlight.add(new InFlight(
                        upTo, rows.size(), groups.submit(() -> applyGroup(ctx, rows, submittedBy, arrived))));
                try {
                    arrived.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while applying an import", e);
                }
                if (inFlight.size() >= GROUPS_IN_FLIGHT) {
                    record(ctx, id, inFlight, applied, total, progress);
                }
                subject = upTo.subject();
                day = upTo.day();
            }
        } catch (RuntimeException e) {
            // no transaction of this import may still run once it fails or stops: wait for the groups in flight
            for (InFlight f : inFlight) {
                try {
                    f.group().get();
                } catch (Exception ignored) {
                    // the first failure is the one reported
                }
            }
            throw e;
        } finally {
            groups.shutdown();
        }
    }

    /** A group in the ingest path: the station-day it ends with, its staged rows, its transaction. */
    private record InFlight(ImportStore.Day upTo, int rows, java.util.concurrent.Future<Group> group) {}

    static final int GROUPS_IN_FLIGHT = 2;

    private void drain(
            Context ctx, UUID id, java.util.ArrayDeque<InFlight> inFlight, long[] applied, long total, Progress p) {
        while (!inFlight.isEmpty()) {
            record(ctx, id, inFlight, applied, total, p);
        }
    }

    /** Waits for the oldest group in flight and records it: cursor, counts, refused rows, progress. */
    private void record(
            Context ctx, UUID id, java.util.ArrayDeque<InFlight> inFlight, long[] applied, long total, Progress p) {
        InFlight f = inFlight.peekFirst();
        Group g;
        try {
            g = f.group().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while applying an import", e);
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException(e.getCause());
        }
        inFlight.removeFirst();
        await(
                ctx,
                () -> store.applied(
                        id, f.upTo(), f.rows(), g.stored, g.corrections, g.unchanged, g.refused.size(), g.alerts));
        if (!g.refused.isEmpty()) {
            await(ctx, () -> store.refuse(id, g.refused));
        }
        applied[0] += f.rows();
        p.progress(applied[0], total);
    }

    /** What one group's transaction did. */
    private static final class Group {
        long stored;
        long corrections;
        long unchanged;
        final List<ImportStore.Refused> refused = new ArrayList<>();
        final JsonObject alerts = new JsonObject();
    }

    /**
     * Submits one group of whole station-days; readings the ingest path refuses (a subject deleted or changed since
     * they were staged) are refused and the rest submitted again; a failed transaction is retried.
     */
    private Group applyGroup(
            Context ctx,
            List<ImportStore.Staged> staged,
            Long submittedBy,
            java.util.concurrent.CountDownLatch arrived) {
        try {
            return applyGroup(ctx, staged, submittedBy, arrived::countDown);
        } finally {
            arrived.countDown();
        }
    }

    /** {@code arrived} runs once the group's first request is in the ingest queue. */
    private Group applyGroup(Context ctx, List<ImportStore.Staged> staged, Long submittedBy, Runnable arrived) {
        Group g = new Group();
        List<ImportStore.Staged> left = new ArrayList<>(staged);
        int attempt = 0;
        while (!left.isEmpty()) {
            List<ReadingInput> inputs = new ArrayList<>(left.size());
            for (int i = 0; i < left.size(); i++) {
                ImportStore.Staged s = left.get(i);
                Indicator indicator = parser.catalog().find(s.indicator()).orElse(null);
                if (indicator == null) {
                    g.refused.add(new ImportStore.Refused(
                            s.row(), "indicator", "indicator " + s.indicator() + " is no longer in the catalog"));
                    left.remove(i--);
                    continue;
                }
                inputs.add(new ReadingInput(
                        inputs.size(),
                        indicator,
                        s.subject(),
                        s.observedAt(),
                        s.value(),
                        indicator.unit(),
                        s.source(),
                        s.flag()));
            }
            if (inputs.isEmpty()) {
                break;
            }
            // staged readings are start-labelled already
            ReadingParser.ParsedBatch batch =
                    new ReadingParser.ParsedBatch(inputs.size(), true, inputs).withHourLabel("start");
            try {
                IngestService.Result r = await(ctx, () -> {
                    Future<IngestService.Result> f = queue.submit(batch, submittedBy);
                    arrived.run();
                    return f;
                });
                g.stored += r.stored() - r.corrections();
                g.corrections += r.corrections();
                g.unchanged += r.accepted() - r.stored();
                for (JsonObject a : r.alerts()) {
                    g.alerts.put(
                            String.valueOf(a.getLong("id")),
                            new JsonObject()
                                    .put("rule", a.getString("rule"))
                                    .put("severity", a.getString("severity"))
                                    .put("status", a.getString("status"))
                                    .put("historical", a.getBoolean("historical", false))
                                    .put("category", a.getString("category"))
                                    .put("region", a.getString("region"))
                                    .put("subject", a.getString("subject")));
                }
                return g;
            } catch (InvalidReadingException e) {
                Set<Integer> bad = new java.util.TreeSet<>(java.util.Comparator.reverseOrder());
                for (FieldError fe : e.errors()) {
                    if (fe.index() == null) {
                        throw e;
                    }
                    bad.add(fe.index());
                    g.refused.add(new ImportStore.Refused(left.get(fe.index()).row(), fe.field(), fe.message()));
                }
                bad.forEach(i -> left.remove((int) i));
            } catch (RuntimeException e) {
                if (++attempt >= APPLY_ATTEMPTS) {
                    throw e;
                }
                LOG.warn("import: a transaction failed ({}); retried in 2 s", e.toString());
                sleep(2000);
            }
        }
        return g;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Stopped("interrupted");
        }
    }

    /** Runs an asynchronous call on the import's context and waits for it on this (the import's) thread. */
    private static <T> T await(Context ctx, Supplier<Future<T>> call) {
        CompletableFuture<T> cf = new CompletableFuture<>();
        ctx.runOnContext(v -> {
            try {
                call.get().onComplete(ar -> {
                    if (ar.succeeded()) {
                        cf.complete(ar.result());
                    } else {
                        cf.completeExceptionally(ar.cause());
                    }
                });
            } catch (RuntimeException e) {
                cf.completeExceptionally(e);
            }
        });
        try {
            return cf.join();
        } catch (java.util.concurrent.CompletionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw e;
        }
    }
}
