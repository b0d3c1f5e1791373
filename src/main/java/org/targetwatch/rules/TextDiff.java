package org.targetwatch.rules;

import java.util.ArrayList;
import java.util.List;

/**
 * Line diff of two texts by longest common subsequence, printed like {@code diff -u} without hunk headers:
 * {@code " "} unchanged, {@code "-"} only in the old text, {@code "+"} only in the new one. Unchanged runs longer
 * than {@code 2 × context} lines are shortened to their first and last {@code context} lines around a "@@ ..."
 * marker. Quadratic in the number of lines: meant for rule files (hundreds of lines), not data dumps.
 */
public final class TextDiff {
    private TextDiff() {
    }

    public static String unified(String oldText, String newText, int context) {
        String[] a = oldText.split("\n", -1);
        String[] b = newText.split("\n", -1);
        int[][] lcs = new int[a.length + 1][b.length + 1];
        for (int i = a.length - 1; i >= 0; i--) {
            for (int j = b.length - 1; j >= 0; j--) {
                lcs[i][j] = a[i].equals(b[j]) ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
            }
        }
        List<String> lines = new ArrayList<>();
        int i = 0;
        int j = 0;
        while (i < a.length || j < b.length) {
            if (i < a.length && j < b.length && a[i].equals(b[j])) {
                lines.add(" " + a[i]);
                i++;
                j++;
            } else if (j < b.length && (i == a.length || lcs[i][j + 1] >= lcs[i + 1][j])) {
                lines.add("+" + b[j++]);
            } else {
                lines.add("-" + a[i++]);
            }
        }
        StringBuilder out = new StringBuilder();
        int k = 0;
        while (k < lines.size()) {
            int run = k;
            while (run < lines.size() && lines.get(run).startsWith(" ")) {
                run++;
            }
            int len = run - k;
            if (len > 2 * context) {
                int head = k == 0 ? 0 : context;
                int tail = run == lines.size() ? 0 : context;
                for (int x = k; x < k + head; x++) {
                    out.append(lines.get(x)).append('\n');
                }
                out.append("@@ ").append(len - head - tail).append(" unchanged lines @@\n");
                for (int x = run - tail; x < run; x++) {
                    out.append(lines.get(x)).append('\n');
                }
            } else {
                for (int x = k; x < run; x++) {
                    out.append(lines.get(x)).append('\n');
                }
            }
            k = run;
            while (k < lines.size() && !lines.get(k).startsWith(" ")) {
                out.append(lines.get(k++)).append('\n');
            }
        }
        return out.toString();
    }
}
