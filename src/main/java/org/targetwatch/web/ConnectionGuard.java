package org.targetwatch.web;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Defends the HTTP server against slow and greedy clients, as nginx's {@code client_header_timeout},
 * {@code client_body_timeout} and {@code limit_conn} do:
 * <ul>
 *   <li>a connection must deliver a request's headers within the request timeout of opening, or of the end of the
 *       previous response on it (keep-alive); otherwise it is closed;</li>
 *   <li>a request's body must keep arriving: a whole request timeout without a byte of it closes the connection
 *       (a handler may take longer to answer: an alert stream or a backtest waited for is not cut);</li>
 *   <li>a client address holds at most {@code maxPerClient} connections; one more is closed at once.</li>
 * </ul>
 * Connections with no traffic at all are closed by the server's idle timeout. The deadlines are plain fields
 * checked by one sweep a second, so a request costs no timer of its own. Thread-safe.
 */
final class ConnectionGuard {
    private static final Logger LOG = LoggerFactory.getLogger(ConnectionGuard.class);
    private static final long SWEEP_MILLIS = 1000;

    /** The deadlines of one open connection (nanoTime; 0 = none). */
    private static final class State {
        volatile long headersDue;
        volatile HttpServerRequest body;
        volatile long bodyBytes;
        volatile long bodyDue;
    }

    private final long timeoutNanos;
    private final int maxPerClient;
    private final Map<String, AtomicInteger> perClient = new ConcurrentHashMap<>();
    private final Map<HttpConnection, State> open = new ConcurrentHashMap<>();
    private volatile long lastRefusalLog;

    ConnectionGuard(Vertx vertx, int timeoutSeconds, int maxPerClient) {
        this.timeoutNanos = timeoutSeconds * 1_000_000_000L;
        this.maxPerClient = maxPerClient;
        vertx.setPeriodic(SWEEP_MILLIS, id -> sweep());
    }

    /** The server's connection handler. */
    void opened(HttpConnection conn) {
        String client =
                conn.remoteAddress() == null ? "?" : conn.remoteAddress().hostAddress();
        AtomicInteger held = perClient.computeIfAbsent(client, k -> new AtomicInteger());
        int n = held.incrementAndGet();
        conn.closeHandler(v -> {
            open.remove(conn);
            if (held.decrementAndGet() <= 0) {
                perClient.remove(client, held);
            }
        });
        if (n > maxPerClient) {
            long now = System.currentTimeMillis();
            if (now - lastRefusalLog > 60_000) {
                lastRefusalLog = now;
                LOG.warn(
                        "client {} holds {} connections (maxConnectionsPerClient {}); closing the excess"
                                + " (logged at most once a minute)",
                        client,
                        n - 1,
                        maxPerClient);
            }
            conn.close();
            return;
        }
        State s = new State();
        s.headersDue = System.nanoTime() + timeoutNanos;
        open.put(conn, s);
    }

    /** Wraps the server's request handler: headers have arrived, the body (if any) must keep arriving. */
    Handler<HttpServerRequest> requests(Handler<HttpServerRequest> next) {
        return req -> {
            State s = open.get(req.connection());
            if (s != null) {
                s.headersDue = 0;
                if (!req.isEnded()) {
                    s.bodyBytes = req.bytesRead();
                    s.bodyDue = System.nanoTime() + timeoutNanos;
                    s.body = req;
                }
            }
            next.handle(req);
        };
    }

    /** A response on {@code conn} has ended: the next request's headers are due within the timeout. */
    void responded(HttpConnection conn) {
        State s = open.get(conn);
        if (s != null) {
            s.headersDue = System.nanoTime() + timeoutNanos;
        }
    }

    private void sweep() {
        long now = System.nanoTime();
        for (Map.Entry<HttpConnection, State> e : open.entrySet()) {
            State s = e.getValue();
            long headers = s.headersDue;
            if (headers != 0 && now - headers > 0) {
                e.getKey().close();
                continue;
            }
            HttpServerRequest body = s.body;
            if (body == null) {
                continue;
            }
            if (body.isEnded()) {
                s.body = null;
            } else if (body.bytesRead() != s.bodyBytes) {
                s.bodyBytes = body.bytesRead(); // moving: a new timeout from now
                s.bodyDue = now + timeoutNanos;
            } else if (now - s.bodyDue > 0) {
                e.getKey().close();
            }
        }
    }
}
