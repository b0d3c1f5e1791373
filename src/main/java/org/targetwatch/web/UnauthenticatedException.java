package org.targetwatch.web;

import java.util.List;
import org.targetwatch.common.RejectedRequestException;

/** HTTP 401: no valid bearer token. */
public class UnauthenticatedException extends RejectedRequestException {
    public UnauthenticatedException(String message) {
        super("unauthenticated", message, List.of());
    }

    public UnauthenticatedException(String field, String message) {
        super("unauthenticated", message, List.of(new FieldError(null, field, message)));
    }
}
