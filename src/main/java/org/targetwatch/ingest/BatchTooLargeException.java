package org.targetwatch.ingest;

import java.util.List;
import org.targetwatch.common.RejectedRequestException;

/** More readings in one request than {@code maxBatchReadings}, or a body over {@code maxBodyBytes}. HTTP 413. */
public class BatchTooLargeException extends RejectedRequestException {
    public BatchTooLargeException(String message) {
        super("payload_too_large", message, List.of());
    }
}
