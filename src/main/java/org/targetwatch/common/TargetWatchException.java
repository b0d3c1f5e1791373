package org.targetwatch.common;

/**
 * Root of every exception TargetWatch throws on purpose. Subclasses are named after what went wrong; the web
 * layer maps each to an HTTP status and a JSON body, and {@code Main} maps startup failures to an exit message.
 */
public class TargetWatchException extends RuntimeException {
    public TargetWatchException(String message) {
        super(message);
    }

    public TargetWatchException(String message, Throwable cause) {
        super(message, cause);
    }
}
