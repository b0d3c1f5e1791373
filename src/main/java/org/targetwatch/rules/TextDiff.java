package org.targetwatch.rules;

import com.github.difflib.DiffUtils;
import com.github.difflib.UnifiedDiffUtils;
import com.github.difflib.patch.Patch;
import java.util.List;

/**
 * Line diff of two versions of a rules file, in the unified format of {@code diff -u} without its two file header
 * lines: hunks {@code @@ -a,b +c,d @@} with {@code context} unchanged lines around each change, {@code " "}
 * unchanged, {@code "-"} only in the old text, {@code "+"} only in the new one. Myers' algorithm
 * (java-diff-utils): time and memory grow with the size of the texts times the number of changes, not with the
 * product of their lengths. Blocking for large files: call it off the event loop.
 */
public final class TextDiff {
    private TextDiff() {}

    public static String unified(String oldText, String newText, int context) {
        List<String> a = List.of(oldText.split("\n", -1));
        List<String> b = List.of(newText.split("\n", -1));
        Patch<String> patch = DiffUtils.diff(a, b);
        List<String> lines = UnifiedDiffUtils.generateUnifiedDiff("a", "b", a, patch, context);
        StringBuilder out = new StringBuilder();
        for (String line : lines.subList(Math.min(2, lines.size()), lines.size())) {
            out.append(line).append('\n');
        }
        return out.toString();
    }
}
