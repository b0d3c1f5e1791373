package org.targetwatch.web;

import java.util.List;
import org.targetwatch.common.RejectedRequestException;

/** HTTP 404: no such resource. */
public class NotFoundException extends RejectedRequestException {
    public NotFoundException(String message) {
        super("not_found", message, List.of());
    }

    public NotFoundException(String field, String message) {
        super("not_found", message, List.of(new FieldError(null, field, message)));
    }
}
