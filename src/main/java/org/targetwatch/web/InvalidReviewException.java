package org.targetwatch.web;

import java.util.List;
import org.targetwatch.common.RejectedRequestException;

/** A review request (an annotation, a backtest, a staged ruleset) with an invalid field. HTTP 422. */
final class InvalidReviewException extends RejectedRequestException {
    InvalidReviewException(String field, String message) {
        super("invalid_request", message, List.of(new FieldError(null, field, message)));
    }
}
