package org.targetwatch.rules;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Better positions for two kinds of DRL errors that Drools places badly.
 * <ul>
 *   <li>Text outside any rule that starts no DRL statement (a misspelt {@code rule} keyword, say): the parser
 *       reports it where it gives up, often lines later (at the next rule's consequence). {@link #strayText} names
 *       the first such line.</li>
 *   <li>A constraint that does not compile ("Unable to Analyse Expression ..."): Drools reports the line of its
 *       pattern, or none, while the constraint may be on a later line of a pattern written over several lines.
 *       {@link #expressionLine} finds the expression's own line.</li>
 * </ul>
 */
final class DrlPositions {
    /** The statements that may start a line outside a block (DRL 6+ top level). */
    private static final Pattern TOP_LEVEL =
            Pattern.compile("^(package|import|global|dialect|rule|query|declare|function|unit)\\b.*");

    private static final Pattern EXPRESSION = Pattern.compile("Unable to Analyse Expression (.+?):(\\s|\\[|$)");

    private DrlPositions() {}

    /** Adds a problem at the first line outside any block that starts no DRL statement, if there is one. */
    static void strayText(String file, String text, List<RuleBuildException.Problem> problems) {
        String[] lines = text.split("\n", -1);
        boolean inBlock = false;
        boolean inComment = false;
        int braces = 0;
        for (int i = 0; i < lines.length; i++) {
            String l = lines[i].strip();
            if (inComment) {
                if (l.contains("*/")) {
                    inComment = false;
                    l = l.substring(l.indexOf("*/") + 2).strip();
                } else {
                    continue;
                }
            }
            if (l.startsWith("/*")) {
                inComment = !l.contains("*/");
                continue;
            }
            if (l.isEmpty() || l.startsWith("//") || l.startsWith("#")) {
                continue;
            }
            if (braces > 0) { // a function body
                braces += count(l, '{') - count(l, '}');
                continue;
            }
            if (inBlock) {
                if (l.equals("end") || l.startsWith("end ") || l.startsWith("end//")) {
                    inBlock = false;
                }
                continue;
            }
            if (!TOP_LEVEL.matcher(l).matches()) {
                problems.add(new RuleBuildException.Problem(
                        file,
                        i + 1,
                        "'" + abbreviate(l) + "' starts no DRL"
                                + " statement (package, import, global, rule, query, declare, function); a misspelt"
                                + " keyword?"));
                return;
            }
            if (l.startsWith("rule") || l.startsWith("query") || l.startsWith("declare")) {
                inBlock = !l.matches(".*\\bend\\s*$");
            } else if (l.startsWith("function")) {
                braces = count(l, '{') - count(l, '}');
            }
        }
    }

    /**
     * The line of the expression a "Unable to Analyse Expression" message names: its occurrence nearest at or
     * after {@code reported} (the pattern's line; 0 if none), or {@code reported} if the text is not found.
     */
    static int expressionLine(String message, String text, int reported) {
        Matcher m = EXPRESSION.matcher(message);
        if (!m.find()) {
            return reported;
        }
        String expression = m.group(1).strip();
        int best = -1;
        int from = 0;
        while (true) {
            int at = text.indexOf(expression, from);
            if (at < 0) {
                break;
            }
            int line = 1 + count(text.substring(0, at), '\n');
            if (line >= reported && (best < 0 || line < best)) {
                best = line;
            }
            from = at + 1;
        }
        return best > 0 ? best : reported;
    }

    private static int count(String s, char c) {
        int n = 0;
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) == c) {
                n++;
            }
        }
        return n;
    }

    private static String abbreviate(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "…" : s;
    }
}
