package org.targetwatch.web;

import java.util.List;
import org.targetwatch.common.RejectedRequestException;

/** A subject registration with missing fields, an unknown kind or invalid settings. HTTP 422. */
public class InvalidSubjectException extends RejectedRequestException {
    public InvalidSubjectException(List<FieldError> errors) {
        super("invalid_subject", errors.get(0).field() + ": " + errors.get(0).message(), errors);
    }
}
