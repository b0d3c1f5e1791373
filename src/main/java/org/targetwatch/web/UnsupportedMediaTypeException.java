package org.targetwatch.web;

import java.util.List;
import org.targetwatch.common.RejectedRequestException;

/** A body in a format the endpoint does not take. HTTP 415. */
public class UnsupportedMediaTypeException extends RejectedRequestException {
    public UnsupportedMediaTypeException(String message) {
        super("unsupported_media_type", message, List.of(new FieldError(null, "Content-Type", message)));
    }
}
