package org.targetwatch.web;

import java.util.List;
import org.targetwatch.common.RejectedRequestException;

/** A silence request with a missing reason, bad times or unknown matchers. HTTP 422. */
public class InvalidSilenceException extends RejectedRequestException {
    public InvalidSilenceException(String field, String message) {
        super("invalid_silence", message, List.of(new FieldError(null, field, message)));
    }
}
