package org.targetwatch.ingest;

import java.util.List;
import org.targetwatch.common.RejectedRequestException;

/** Well-formed JSON whose items break the catalog's rules (unknown indicator, wrong unit, out of range...). 422. */
public class InvalidReadingException extends RejectedRequestException {
    public InvalidReadingException(List<FieldError> errors) {
        super(
                "invalid_reading",
                errors.size() == 1
                        ? describe(errors.get(0))
                        : errors.size() + " problems; first: " + describe(errors.get(0)),
                errors);
    }

    private static String describe(FieldError e) {
        return (e.index() == null ? "" : "item " + e.index() + ": ") + e.field() + ": " + e.message();
    }
}
