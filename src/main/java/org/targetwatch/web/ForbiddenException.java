package org.targetwatch.web;

import java.util.List;
import org.targetwatch.common.RejectedRequestException;

/** HTTP 403: the token's role may not do this. */
public class ForbiddenException extends RejectedRequestException {
    public ForbiddenException(String message) {
        super("forbidden", message, List.of());
    }

    public ForbiddenException(String field, String message) {
        super("forbidden", message, List.of(new FieldError(null, field, message)));
    }
}
