package org.targetwatch.web;

import org.targetwatch.common.RejectedRequestException;

import java.util.List;

/** A token request with a missing name or an unknown role. HTTP 422. */
public class InvalidTokenRequestException extends RejectedRequestException {
    public InvalidTokenRequestException(String field, String message) {
        super("invalid_token_request", message, List.of(new FieldError(null, field, message)));
    }
}
