package org.targetwatch.ingest;

import java.util.List;
import org.targetwatch.common.RejectedRequestException;

/** The body is not JSON, or not of the expected shape (object or array). HTTP 400. */
public class MalformedRequestException extends RejectedRequestException {
    public MalformedRequestException(String message) {
        super("malformed_request", message, List.of());
    }

    public MalformedRequestException(String message, List<FieldError> errors) {
        super("malformed_request", message, errors);
    }
}
