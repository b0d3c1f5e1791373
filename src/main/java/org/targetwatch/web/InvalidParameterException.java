package org.targetwatch.web;

import java.util.List;
import org.targetwatch.common.RejectedRequestException;

/** HTTP 400: a query or path parameter is malformed. */
public class InvalidParameterException extends RejectedRequestException {
    public InvalidParameterException(String message) {
        super("invalid_parameter", message, List.of());
    }

    public InvalidParameterException(String field, String message) {
        super("invalid_parameter", message, List.of(new FieldError(null, field, message)));
    }
}
