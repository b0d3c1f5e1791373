package org.targetwatch.store;

/**
 * The database was migrated by a newer TargetWatch than this one: its schema has migrations this version does not
 * know. Starting would let old code write into a schema it does not understand, so it refuses (exit code 5).
 */
public final class SchemaTooNewException extends StoreUnavailableException {
    public SchemaTooNewException(String message) {
        super(message, null);
    }
}
