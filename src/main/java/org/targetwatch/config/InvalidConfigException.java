package org.targetwatch.config;

import org.targetwatch.common.TargetWatchException;

/** A configuration value is missing, malformed or out of range. The message names the key. */
public class InvalidConfigException extends TargetWatchException {
    private final String key;

    public InvalidConfigException(String key, String message) {
        super(key + ": " + message);
        this.key = key;
    }

    public String key() {
        return key;
    }
}
