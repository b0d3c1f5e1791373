package org.targetwatch.web;

import java.util.List;
import org.targetwatch.common.RejectedRequestException;

/** A token request with a missing name or an unknown role. HTTP 422. */
public class InvalidTokenRequestException extends RejectedRequestException {
    public InvalidTokenRequestException(String field, String message) {
        super("invalid_token_request", message, List.of(new FieldError(null, field, message)));
    }
}
