package org.targetwatch.store;

import org.targetwatch.common.TargetWatchException;

/** The database cannot be started, reached or migrated. The message says why and what to do. */
public class StoreUnavailableException extends TargetWatchException {
    public StoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
