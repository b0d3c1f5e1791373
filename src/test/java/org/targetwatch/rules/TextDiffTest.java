package org.targetwatch.rules;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Ruleset diffs: unified hunks with their context, for files of any size. */
class TextDiffTest {

    @Test
    void aChangedLineIsOneHunkWithItsContext() {
        String before = "a\nb\nc\nd\ne\nf\ng\nh\n";
        String after = "a\nb\nc\nd\nE\nf\ng\nh\n";
        assertThat(TextDiff.unified(before, after, 2)).isEqualTo("@@ -3,5 +3,5 @@\n c\n d\n-e\n+E\n f\n g\n");
    }

    @Test
    void equalTextsHaveNoDiffAndAnAddedFileIsAllAdded() {
        assertThat(TextDiff.unified("x\ny\n", "x\ny\n", 3)).isEmpty();
        assertThat(TextDiff.unified("", "rule\nend", 3)).contains("+rule\n").contains("+end\n");
    }

    /** Four copies of thresholds.json with one value changed: one hunk, not the file. */
    @Test
    void aLargeFileWithOneChangeGivesOneSmallHunk() throws Exception {
        String one = Files.readString(Path.of("rules/thresholds.json"));
        String before = one.repeat(4);
        int at = before.lastIndexOf("\"value\": 75,");
        String after = before.substring(0, at) + "\"value\": 70," + before.substring(at + "\"value\": 75,".length());
        String diff = TextDiff.unified(before, after, 3);
        assertThat(diff.lines().filter(l -> l.startsWith("@@"))).hasSize(1);
        assertThat(diff.lines().filter(l -> l.startsWith("-") || l.startsWith("+")))
                .containsExactly("-      \"value\": 75,", "+      \"value\": 70,");
        assertThat(diff.lines().count()).isLessThanOrEqualTo(9);
    }
}
