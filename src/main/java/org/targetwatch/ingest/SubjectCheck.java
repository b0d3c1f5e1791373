package org.targetwatch.ingest;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.targetwatch.common.RejectedRequestException;
import org.targetwatch.facts.Subject;
import org.targetwatch.store.ReadingInput;

/** The validate stage that needs the database: each reading's subject is registered and of a kind its indicator allows. */
final class SubjectCheck {
    private SubjectCheck() {}

    /**
     * Every reading must be about a registered subject of a kind its indicator allows.
     *
     * @throws InvalidReadingException (422) naming each offending item's {@code subject}
     */
    static void check(List<ReadingInput> inputs, Map<String, Subject> known, boolean array) {
        List<RejectedRequestException.FieldError> errors = new ArrayList<>();
        for (ReadingInput in : inputs) {
            Integer index = array ? in.index() : null;
            Subject s = known.get(in.subject());
            if (s == null) {
                errors.add(new RejectedRequestException.FieldError(
                        index,
                        "subject",
                        "unknown subject '" + in.subject() + "'; register it first (POST /api/v1/subjects)"));
            } else if (!in.indicator().subjectKinds().contains(s.kind())) {
                errors.add(new RejectedRequestException.FieldError(
                        index,
                        "subject",
                        "subject '" + s.id()
                                + "' is a " + s.kind() + "; " + in.indicator().code() + " is reported for "
                                + String.join(" or ", in.indicator().subjectKinds())));
            }
            if (errors.size() >= 100) {
                break;
            }
        }
        if (!errors.isEmpty()) {
            throw new InvalidReadingException(errors);
        }
    }
}
