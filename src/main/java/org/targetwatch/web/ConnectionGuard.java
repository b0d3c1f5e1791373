package org.targetwatch.web;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Defends the HTTP server against slow and greedy clients, as nginx's {@code client_header_timeout},
 * {@code client_body_timeout} and {@code limit_conn} do:
 * <ul>
 *   <li>a connection must deliver a request's headers within the request timeout of opening, or of the end of the
 *       previous response on it (keep-alive); otherwise it is closed;</li>
 *   <li>a request's body must have arrived within the request timeout of its headers; otherwise the connection is
 *       closed (a handler may take longer to answer: an alert stream or a backtest waited for is not cut);</li>
 *   <li>a client address holds at most {@code maxPerClient} connections; one more is closed at once.</li>
 * </ul>
 * Connections with no traffic at all are closed by the server's idle timeout. Event-loop confined per connection.
 */
final class ConnectionGuard {
    private static final Logger LOG = LoggerFactory.getLogger(ConnectionGuard.class);

    private final Vertx vertx;
    private final long timeoutMillis;
    private final int maxPerClient;
    private final Map<String, AtomicInteger> perClient = new ConcurrentHashMap<>();
    /** The pending header deadline of each open connection (timer id), if one is armed. */
    private final Map<HttpConnection, Long> headerTimers = new ConcurrentHashMap<>();
    private volatile long lastRefusalLog;

    ConnectionGuard(Vertx vertx, int timeoutSeconds, int maxPerClient) {
        this.vertx = vertx;
        this.timeoutMillis = timeoutSeconds * 1000L;
        this.maxPerClient = maxPerClient;
    }

    /** The server's connection handler. */
    void opened(HttpConnection conn) {
        String client = conn.remoteAddress() == null ? "?" : conn.remoteAddress().hostAddress();
        AtomicInteger held = perClient.computeIfAbsent(client, k -> new AtomicInteger());
        int n = held.incrementAndGet();
        conn.closeHandler(v -> {
            disarm(conn);
            if (held.decrementAndGet() <= 0) {
                perClient.remove(client, held);
            }
        });
        if (n > maxPerClient) {
            long now = System.currentTimeMillis();
            if (now - lastRefusalLog > 60_000) {
                lastRefusalLog = now;
                LOG.warn("client {} holds {} connections (maxConnectionsPerClient {}); closing the excess"
                        + " (logged at most once a minute)", client, n - 1, maxPerClient);
            }
            conn.close();
            return;
        }
        arm(conn);
    }

    /** Wraps the server's request handler: headers have arrived, the body (if any) must follow in time. */
    Handler<HttpServerRequest> requests(Handler<HttpServerRequest> next) {
        return req -> {
            HttpConnection conn = req.connection();
            disarm(conn);
            String length = req.getHeader("Content-Length");
            boolean body = req.getHeader("Transfer-Encoding") != null || (length != null && !length.strip().equals("0"));
            if (body && !req.isEnded()) {
                // not cancelled: it fires once, finds the body complete and does nothing
                vertx.setTimer(timeoutMillis, id -> {
                    if (!req.isEnded()) {
                        conn.close();
                    }
                });
            }
            next.handle(req);
        };
    }

    /** A response on {@code conn} has ended: the next request's headers are due within the timeout. */
    void responded(HttpConnection conn) {
        arm(conn);
    }

    private void arm(HttpConnection conn) {
        long id = vertx.setTimer(timeoutMillis, t -> {
            if (headerTimers.remove(conn, t)) {
                conn.close();
            }
        });
        Long previous = headerTimers.put(conn, id);
        if (previous != null) {
            vertx.cancelTimer(previous);
        }
    }

    private void disarm(HttpConnection conn) {
        Long id = headerTimers.remove(conn);
        if (id != null) {
            vertx.cancelTimer(id);
        }
    }
}
