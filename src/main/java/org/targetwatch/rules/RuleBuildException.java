package org.targetwatch.rules;

import java.util.List;
import org.targetwatch.common.TargetWatchException;

/** The rules directory does not build. Carries every error, each with file and line. */
public class RuleBuildException extends TargetWatchException {
    /** One build error: file relative to the rules directory, 1-based line (0 if unknown), message. */
    public record Problem(String file, int line, String message) {
        @Override
        public String toString() {
            return file + (line > 0 ? ":" + line : "") + ": " + message;
        }
    }

    private final List<Problem> problems;

    public RuleBuildException(List<Problem> problems) {
        super("rules do not build (" + problems.size() + " error" + (problems.size() == 1 ? "" : "s") + "):\n  "
                + String.join("\n  ", problems.stream().map(Problem::toString).toList()));
        this.problems = List.copyOf(problems);
    }

    public List<Problem> problems() {
        return problems;
    }
}
