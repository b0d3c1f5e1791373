package org.targetwatch.web;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.parsetools.RecordParser;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.targetwatch.ingest.hj212.Hj212Frame;
import org.targetwatch.ingest.hj212.Hj212Service;

/**
 * The HJ 212-2017 TCP listener: each data logger holds a long-lived connection and sends packets, one per CR LF
 * (a lone LF is taken too). Every packet goes to {@link Hj212Service}, which commits it through the group-commit
 * queue like an HTTP request, and its answer, if any, is written back once the readings are committed.
 *
 * <p>Contract: a bad packet never closes the connection; it is counted ({@code targetwatch_hj212_frames}) and
 * logged at most once a minute per connection. Only a line longer than any packet can be (the length field has
 * four digits) closes it, for then no packet boundary can be trusted. A connection with more than
 * {@value #MAX_PENDING} packets in flight is not read until half of them are done (backpressure: a flooding
 * logger waits, nothing is dropped). A connection silent for {@value #IDLE_HOURS} hours is closed.
 */
final class Hj212Server {
    private static final Logger LOG = LoggerFactory.getLogger(Hj212Server.class);
    static final int MAX_LINE = 2 + 4 + Hj212Frame.MAX_DATA + 4 + 2;
    static final int MAX_PENDING = 64;
    static final int IDLE_HOURS = 3;

    private final Hj212Service service;
    private NetServer server;

    Hj212Server(Hj212Service service) {
        this.service = service;
    }

    Future<NetServer> listen(Vertx vertx, String host, int port) {
        server = vertx.createNetServer(new NetServerOptions()
                .setHost(host)
                .setPort(port)
                .setIdleTimeout(IDLE_HOURS)
                .setIdleTimeoutUnit(TimeUnit.HOURS)
                .setTcpKeepAlive(true));
        server.connectHandler(this::connected);
        return server.listen();
    }

    int actualPort() {
        return server == null ? -1 : server.actualPort();
    }

    private void connected(NetSocket socket) {
        new Connection(socket).start();
    }

    /** One logger's connection. Runs on its event loop only. */
    private final class Connection {
        private final NetSocket socket;
        private final RecordParser parser;
        /** The connection's own context: outcomes may complete on another (a group commit's), state lives here. */
        private final io.vertx.core.Context context = Vertx.currentContext();

        private final Hj212Service.Sequence sequence = new Hj212Service.Sequence();
        private int pending;
        private boolean paused;
        private boolean closed;
        private long lastLogged = Long.MIN_VALUE;
        private int unlogged;

        Connection(NetSocket socket) {
            this.socket = socket;
            this.parser = RecordParser.newDelimited("\n", socket).maxRecordSize(MAX_LINE);
        }

        void start() {
            socket.closeHandler(v -> closed = true);
            parser.exceptionHandler(e -> {
                LOG.warn(
                        "HJ 212: {} sent a line of more than {} bytes, longer than any packet; connection closed",
                        socket.remoteAddress(),
                        MAX_LINE);
                socket.close();
            });
            parser.handler(this::line);
        }

        private void line(Buffer record) {
            byte[] bytes = record.getBytes();
            if (bytes.length == 0 || (bytes.length == 1 && bytes[0] == '\r')) {
                return;
            }
            pending++;
            if (pending >= MAX_PENDING && !paused) {
                paused = true;
                // the socket, not the parser: a paused parser keeps buffering what is still arriving unparsed,
                // and its line-length guard would take a backlog of whole packets for one overlong line
                socket.pause();
            }
            service.handle(bytes, null, sequence)
                    .onComplete(done -> context.runOnContext(v -> {
                        pending--;
                        if (paused && pending <= MAX_PENDING / 2) {
                            paused = false;
                            socket.resume();
                        }
                        Hj212Service.Outcome o = done.result();
                        if (o == null) {
                            return;
                        }
                        if (o.result().equals("bad_frame")) {
                            badFrame(o.message());
                        }
                        if (o.answer() != null && !closed) {
                            socket.write(o.answer());
                        }
                    }));
        }

        private void badFrame(String why) {
            long now = System.nanoTime();
            if (lastLogged != Long.MIN_VALUE && now - lastLogged < TimeUnit.MINUTES.toNanos(1)) {
                unlogged++;
                return;
            }
            LOG.warn(
                    "HJ 212: bad packet from {} dropped: {}{}",
                    socket.remoteAddress(),
                    why,
                    unlogged > 0 ? " (and " + unlogged + " more since the last report)" : "");
            lastLogged = now;
            unlogged = 0;
        }
    }
}
