package org.targetwatch.web;

import java.util.List;
import org.targetwatch.common.RejectedRequestException;

/** A request body with a field whose text cannot be stored (a control character, a lone surrogate). HTTP 422. */
public class InvalidRequestException extends RejectedRequestException {
    public InvalidRequestException(List<FieldError> errors) {
        super("invalid_request", errors.get(0).field() + ": " + errors.get(0).message(), errors);
    }
}
