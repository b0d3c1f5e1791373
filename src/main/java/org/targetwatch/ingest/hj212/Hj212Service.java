package org.targetwatch.ingest.hj212;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.targetwatch.common.RejectedRequestException;
import org.targetwatch.common.Telemetry;
import org.targetwatch.config.Hj212Codes;
import org.targetwatch.facts.Subject;
import org.targetwatch.ingest.IngestQueue;
import org.targetwatch.ingest.ReadingParser;
import org.targetwatch.store.SubjectStore;

/**
 * HJ 212-2017 packets in, readings out: one packet is one request of the reading path, all or nothing, through
 * the same validation and group commit as {@code POST /api/v1/readings}. The TCP listener and
 * {@code POST /api/v1/hj212} both hand each line here and send back the {@link Outcome#answer()} it gives.
 *
 * <p>Contract:
 * <ul>
 *   <li>A line that is no valid packet (header, length, CRC; or no CN or MN) is {@code bad_frame}: nothing stored,
 *       no answer.
 *   <li>A packet whose MN names no subject ({@code hj212.mn}) or whose PW is not that subject's is {@code refused}
 *       (QnRtn 4 or 3); nothing stored.
 *   <li>CN 2061 (hourly data): each {@code <code>-Avg} of a code in {@code config/hj212.json} becomes a reading of
 *       its indicator, converted into the indicator's unit from the station's {@code hj212.units} or the code's
 *       default unit, with its {@code <code>-Flag} (N when absent), observed at {@code DataTime} (Beijing time,
 *       seconds and milliseconds dropped; an end-of-hour label moved to the start by {@code hj212.hourLabel}).
 *       Codes not in the table are ignored. If any reading is invalid the packet is {@code refused} (QnRtn 2) and
 *       nothing of it is stored; else it is committed, {@code stored}, and only then answered.
 *   <li>CN 2011 (real-time), 2051 (minute) and 2031 (daily) are counted and answered, not stored
 *       ({@code not_stored}): hourly values are the stored ones, and the catalog has no daily indicator (daily
 *       statistics are computed from the hours).
 *   <li>An answer is given only when the packet's Flag asks for one (bit A): CN 9014 (data answer) with the
 *       packet's QN, or CN 9011 with QnRtn for a refusal. A packet the store could not take ({@code failed}) gets no
 *       answer, so the logger sends it again.
 * </ul>
 */
public final class Hj212Service {
    private static final Logger LOG = LoggerFactory.getLogger(Hj212Service.class);

    /** HJ 212-2017 QnRtn (请求回应代码): request refused, wrong PW, wrong MN. */
    static final int REFUSED = 2;

    static final int WRONG_PW = 3;
    static final int WRONG_MN = 4;

    /**
     * What became of one line.
     *
     * @param result  {@code stored}, {@code not_stored}, {@code refused}, {@code bad_frame} or {@code failed}
     * @param message why, for the refused, bad and failed ones; what was done otherwise
     * @param answer  the packet to send back (CR LF included), or null for none
     */
    public record Outcome(
            String result,
            String message,
            String answer,
            String qn,
            String cn,
            String mn,
            int stored,
            int corrections,
            List<RejectedRequestException.FieldError> errors) {
        public JsonObject toJson() {
            JsonObject o = new JsonObject().put("result", result).put("message", message);
            if (qn != null) {
                o.put("qn", qn);
            }
            if (cn != null) {
                o.put("cn", cn);
            }
            if (mn != null) {
                o.put("mn", mn);
            }
            if (result.equals("stored")) {
                o.put("stored", stored).put("corrections", corrections);
            }
            if (!errors.isEmpty()) {
                JsonArray e = new JsonArray();
                errors.forEach(x -> e.add(x.toJson()));
                o.put("errors", e);
            }
            return o.put("answer", answer);
        }
    }

    private final ReadingParser parser;
    private final IngestQueue queue;
    private final SubjectStore subjects;
    private final Hj212Codes codes;
    private final Telemetry telemetry;
    private final Clock clock;
    /** When each (MN, reason) of a refusal was last logged: a misconfigured logger is logged once a minute. */
    private final Map<String, Instant> lastLogged = new ConcurrentHashMap<>();

    public Hj212Service(
            ReadingParser parser,
            IngestQueue queue,
            SubjectStore subjects,
            Hj212Codes codes,
            Telemetry telemetry,
            Clock clock) {
        this.parser = parser;
        this.queue = queue;
        this.subjects = subjects;
        this.codes = codes;
        this.telemetry = telemetry;
        this.clock = clock;
    }

    /**
     * The order of one connection's (or one request's) packets. Packets are looked up concurrently, but each is
     * handed to the group-commit queue only after the one before it was (or was decided against), so a logger's
     * re-sent hour never overtakes the first sending. Use from one thread (the connection's event loop).
     */
    public static final class Sequence {
        private Future<Void> last = Future.succeededFuture();
    }

    /**
     * Handles one line (a packet without its CR LF) in its sequence; never fails: every problem is an outcome.
     *
     * @param submittedBy the token that posted it over HTTP, or null (TCP)
     */
    public Future<Outcome> handle(byte[] line, Long submittedBy, Sequence sequence) {
        Promise<Void> mine = Promise.promise();
        Future<Void> previous = sequence.last;
        sequence.last = mine.future();
        Future<Outcome> outcome = handle(line, submittedBy, previous, mine);
        // a packet that submits nothing frees its place once the one before it has
        outcome.onComplete(x -> previous.onComplete(y -> mine.tryComplete()));
        return outcome;
    }

    private Future<Outcome> handle(byte[] line, Long submittedBy, Future<Void> previous, Promise<Void> mine) {
        Hj212Packet p;
        try {
            p = Hj212Packet.parse(Hj212Frame.decode(line).data());
        } catch (Hj212Frame.BadFrameException | Hj212Packet.BadPacketException e) {
            telemetry.hj212Frame("bad_frame");
            return Future.succeededFuture(
                    new Outcome("bad_frame", e.getMessage(), null, null, null, null, 0, 0, List.of()));
        }
        return subjects.findByHj212Mn(p.mn())
                .compose(found -> {
                    if (found.isEmpty()) {
                        return Future.succeededFuture(
                                refuse(p, WRONG_MN, "no subject has this MN (hj212.mn)", List.of()));
                    }
                    Subject subject = found.get();
                    JsonObject setting = Hj212Readings.setting(subject);
                    if (!Hj212Readings.passwordMatches(setting, p)) {
                        return Future.succeededFuture(
                                refuse(p, WRONG_PW, "the PW is not that of subject " + subject.id(), List.of()));
                    }
                    return data(p, subject, setting, submittedBy, previous, mine);
                })
                .recover(t -> {
                    if (t instanceof RejectedRequestException r) {
                        return Future.succeededFuture(refuse(p, REFUSED, r.getMessage(), r.errors()));
                    }
                    boolean unavailable = org.targetwatch.store.DatabaseHealth.isUnavailable(t);
                    String why = unavailable
                            ? "the database is unavailable; nothing was stored and the packet is not answered, so"
                                    + " the logger sends it again"
                            : "not stored (" + t.getClass().getSimpleName() + "); the packet is not answered, so the"
                                    + " logger sends it again";
                    if (!unavailable) {
                        LOG.warn("HJ 212 packet QN={} MN={} not stored", p.qn(), p.mn(), t);
                    }
                    telemetry.hj212Frame("failed");
                    return Future.succeededFuture(
                            new Outcome("failed", why, null, p.qn(), p.cn(), p.mn(), 0, 0, List.of()));
                });
    }

    private Future<Outcome> data(
            Hj212Packet p,
            Subject subject,
            JsonObject setting,
            Long submittedBy,
            Future<Void> previous,
            Promise<Void> mine) {
        Hj212Readings.Decoded decoded = Hj212Readings.decode(p, subject, setting, codes, parser, clock.instant());
        if (decoded.refused()) {
            return Future.succeededFuture(refuse(p, REFUSED, decoded.reason(), decoded.problems()));
        }
        if (decoded.batch() == null) {
            // valid, nothing stored: data packets are answered all the same, other commands are not
            boolean data = List.of("2011", "2051", "2061", "2031").contains(p.cn());
            return Future.succeededFuture(notStored(p, decoded.nothing(), data ? dataAnswer(p) : null));
        }
        ReadingParser.ParsedBatch parsed = decoded.batch();
        return previous.transform(x -> {
                    Future<org.targetwatch.ingest.IngestService.Result> submitted = queue.submit(parsed, submittedBy);
                    mine.tryComplete(); // queued: the next packet may follow it
                    return submitted;
                })
                .map(result -> {
                    telemetry.hj212Frame("stored");
                    return new Outcome(
                            "stored",
                            result.accepted() + " readings accepted",
                            dataAnswer(p),
                            p.qn(),
                            p.cn(),
                            p.mn(),
                            result.stored(),
                            result.corrections(),
                            List.of());
                });
    }

    /** A valid packet with nothing to store: counted, answered with {@code answer} (or not, if null). */
    private Outcome notStored(Hj212Packet p, String message, String answer) {
        telemetry.hj212Frame("not_stored");
        return new Outcome("not_stored", message, answer, p.qn(), p.cn(), p.mn(), 0, 0, List.of());
    }

    /** A refusal: counted, logged once a minute per MN and reason, answered with QnRtn if the packet asks. */
    private Outcome refuse(Hj212Packet p, int qnRtn, String message, List<RejectedRequestException.FieldError> errors) {
        telemetry.hj212Frame("refused");
        Instant now = clock.instant();
        String key = p.mn() + "|" + qnRtn;
        Instant last = lastLogged.get(key);
        if (last == null || last.isBefore(now.minusSeconds(60))) {
            lastLogged.put(key, now);
            if (lastLogged.size() > 10_000) {
                lastLogged.clear();
            }
            LOG.warn("HJ 212 packet QN={} CN={} MN={} refused (QnRtn {}): {}", p.qn(), p.cn(), p.mn(), qnRtn, message);
        }
        String answer = p.wantsAnswer() ? Hj212Frame.encode(header(p, "9011") + "CP=&&QnRtn=" + qnRtn + "&&") : null;
        return new Outcome("refused", message, answer, p.qn(), p.cn(), p.mn(), 0, 0, errors);
    }

    /** CN 9014, the data answer (数据应答), when the packet asks for one. */
    private static String dataAnswer(Hj212Packet p) {
        return p.wantsAnswer() ? Hj212Frame.encode(header(p, "9014") + "CP=&&&&") : null;
    }

    /** An answer's fields before CP: the packet's QN, MN and PW, ST 91 (system interaction), Flag 4 (HJ 212-2017). */
    private static String header(Hj212Packet p, String cn) {
        return (p.qn() == null ? "" : "QN=" + p.qn() + ";") + "ST=91;CN=" + cn + ";PW=" + (p.pw() == null ? "" : p.pw())
                + ";MN=" + p.mn() + ";Flag=4;";
    }
}
