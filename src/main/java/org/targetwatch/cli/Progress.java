package org.targetwatch.cli;

import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;

/**
 * The terminal progress bar of an import: on a terminal one line redrawn in place (at most every 200 ms); into a
 * file or pipe a plain line every 10 s and whenever the phase changes, so that logs stay readable.
 */
final class Progress {
    private static final int WIDTH = 30;
    private static final long TERMINAL_EVERY_NANOS = 200_000_000L;
    private static final long LOG_EVERY_NANOS = 10_000_000_000L;

    private final PrintWriter err;
    private final boolean terminal;
    private final Messages m;
    private long lastDrawn;
    private String lastPhase;
    private boolean drawn;

    Progress(PrintWriter err, boolean terminal, Messages m) {
        this.err = err;
        this.terminal = terminal;
        this.m = m;
    }

    /** The upload: bytes sent of the file's size. Called on the HTTP client's threads. */
    synchronized void upload(long sent, long size) {
        double share = size == 0 ? 1 : (double) sent / size;
        draw("upload", share, m.uploading(sent, size), sent >= size);
    }

    /** One state of the import as {@code GET /api/v1/imports/{id}} gives it. */
    synchronized void job(JsonObject s) {
        String phase = s.getString("status");
        draw(phase, s.getDouble("progress", 0.0), m.line(s), !phase.equals(lastPhase));
    }

    synchronized void note(String text) {
        end();
        err.println(text);
        err.flush();
    }

    /** Ends the redrawn line, so that what follows starts on a line of its own. */
    synchronized void end() {
        if (terminal && drawn) {
            err.println();
            err.flush();
        }
        drawn = false;
    }

    private void draw(String phase, double share, String text, boolean force) {
        long now = System.nanoTime();
        boolean changed = !phase.equals(lastPhase);
        if (!force && !changed && now - lastDrawn < (terminal ? TERMINAL_EVERY_NANOS : LOG_EVERY_NANOS)) {
            return;
        }
        lastDrawn = now;
        lastPhase = phase;
        String line = bar(share) + "  " + text;
        if (terminal) {
            err.print("\r" + line + "\u001b[K");
            drawn = true;
        } else {
            err.println(line);
        }
        err.flush();
    }

    /** {@code [#########.....]  42%}. */
    static String bar(double share) {
        double s = Math.max(0, Math.min(1, share));
        int full = (int) Math.round(s * WIDTH);
        return "[" + "#".repeat(full) + ".".repeat(WIDTH - full) + "] " + String.format("%3d%%", Math.round(s * 100));
    }
}
