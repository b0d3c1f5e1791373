package org.targetwatch.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.targetwatch.support.Rules;

/** Every DRL in rules/ compiles, carries its metadata, and build errors name file and line. */
class RulesDirectoryTest {

    @Test
    void everyDrlInRulesDirectoryCompilesWithMetadata() throws IOException {
        RuleSet rs = Rules.real();
        long drlFiles;
        try (Stream<Path> s = Files.list(Rules.DIR)) {
            drlFiles = s.filter(p -> p.toString().endsWith(".drl")).count();
        }
        assertThat(rs.rules())
                .extracting(RuleInfo::file)
                .hasSameSizeAs(rs.rules())
                .doesNotContain("?")
                .containsAll(java.util.List.of("air.drl", "water.drl", "debt.drl", "safety.drl"));
        assertThat(rs.rules().stream().map(RuleInfo::file).distinct().count()).isEqualTo(drlFiles);
        // a rule's category is the domain of indicators it judges
        java.util.Set<String> categories = new java.util.TreeSet<>();
        org.targetwatch.config.IndicatorCatalog.load(Path.of("config/indicators.json"))
                .all()
                .forEach(i -> categories.add(i.category()));
        assertThat(categories).contains("air", "water", "debt", "safety", "target");
        for (RuleInfo r : rs.rules()) {
            assertThat(r.category()).as(r.name()).isIn(categories);
            assertThat(r.severity()).as(r.name()).isIn("info", "warning", "major", "critical");
            assertThat(r.source()).as(r.name()).isNotBlank();
            assertThat(r.description()).as(r.name()).isNotBlank();
        }
        assertThat(rs.version()).hasSize(16);
    }

    @Test
    void everyThresholdHasProvenanceAndAnEffectiveDate() {
        assertThat(Rules.real().thresholds()).isNotEmpty().allSatisfy(t -> {
            assertThat(t.source()).isNotBlank();
            assertThat(t.status()).isIn("CONFIRMED", "PARTIAL", "UNCONFIRMED");
            assertThat(t.effectiveFrom()).isNotNull();
        });
    }

    @Test
    void brokenDrlIsReportedWithFileAndLine(@TempDir Path dir) throws IOException {
        Rules.copyTo(dir);
        Files.writeString(dir.resolve("broken.drl"), """
                package org.targetwatch.rules.broken;
                import org.targetwatch.facts.Reading;

                rule "broken"
                when
                    $r : Reading(valu > 3)
                then
                end
                """);
        assertThatThrownBy(() -> RuleSet.build(dir)).isInstanceOfSatisfying(RuleBuildException.class, e -> {
            assertThat(e.problems()).isNotEmpty();
            assertThat(e.problems().get(0).file()).isEqualTo("broken.drl");
            assertThat(e.problems().get(0).line()).isEqualTo(6);
            assertThat(e.getMessage()).contains("broken.drl:6");
        });
    }

    /** README, "Adding a rule": package org.targetwatch.rules.<domain>, and every rule carries its metadata. */
    @Test
    void foreignPackageAndMissingMetadataAreRefusedWithFileAndLine(@TempDir Path dir) throws IOException {
        Rules.copyTo(dir);
        Files.writeString(dir.resolve("foreign.drl"), """
                // a file in a foreign package
                package com.example.rules;
                import org.targetwatch.facts.DailyStat;

                rule "foreign.rule"
                    @category("air") @severity("info") @description("d") @source("s")
                when
                    DailyStat()
                then
                end
                """);
        Files.writeString(dir.resolve("bare.drl"), """
                package org.targetwatch.rules.bare;
                import org.targetwatch.facts.DailyStat;

                rule "bare.no-metadata"
                when
                    DailyStat()
                then
                end

                rule "bare.odd-severity"
                    @category("air") @severity("urgent") @description("d") @source("s")
                when
                    DailyStat()
                then
                end
                """);
        assertThatThrownBy(() -> RuleSet.build(dir))
                .isInstanceOfSatisfying(
                        RuleBuildException.class,
                        e -> assertThat(e.problems())
                                .extracting(p -> p.file() + ":" + p.line())
                                .containsExactlyInAnyOrder("foreign.drl:2", "bare.drl:4", "bare.drl:10"));
        Files.delete(dir.resolve("foreign.drl"));
        assertThatThrownBy(() -> RuleSet.build(dir))
                .isInstanceOfSatisfying(
                        RuleBuildException.class,
                        e -> assertThat(e.problems())
                                .anySatisfy(p -> assertThat(p.message())
                                        .contains("bare.no-metadata")
                                        .contains("@category")
                                        .contains("@source")));
    }

    /**
     * A Java error in a consequence is reported at its own line, not at the rule's: every consequence line of every
     * file in rules/ is broken in turn and the line reported is checked.
     */
    @Test
    void consequenceErrorsNameTheirOwnLine() throws IOException {
        java.util.Map<String, byte[]> real = RuleSet.read(Rules.DIR);
        int checked = 0;
        for (String file :
                real.keySet().stream().filter(f -> f.endsWith(".drl")).toList()) {
            java.util.List<String> lines = new String(real.get(file), java.nio.charset.StandardCharsets.UTF_8)
                    .lines()
                    .toList();
            boolean inConsequence = false;
            for (int n = 1; n <= lines.size(); n++) {
                String l = lines.get(n - 1).strip();
                if (l.equals("then")) {
                    inConsequence = true;
                    continue;
                }
                if (l.equals("end")) {
                    inConsequence = false;
                }
                if (!inConsequence || !l.contains("(") || l.startsWith("//")) {
                    continue;
                }
                java.util.List<String> broken = new java.util.ArrayList<>(lines);
                broken.set(n - 1, lines.get(n - 1).replaceFirst("\\(", "(undefinedName ~~ "));
                java.util.Map<String, byte[]> files = new java.util.TreeMap<>(real);
                files.put(file, String.join("\n", broken).getBytes(java.nio.charset.StandardCharsets.UTF_8));
                int line = n;
                assertThatThrownBy(() -> RuleSet.build(files, Rules.DIR))
                        .as(file + ":" + n)
                        .isInstanceOfSatisfying(
                                RuleBuildException.class,
                                e -> assertThat(e.problems())
                                        .as(file + ":" + line)
                                        .extracting(p -> p.file() + ":" + p.line())
                                        .contains(file + ":" + line));
                checked++;
            }
        }
        assertThat(checked).isGreaterThan(20);
    }

    /**
     * Errors Drools places elsewhere are reported at the broken line, first: a constraint on a later line of a
     * pattern written over several lines (Drools: the pattern's line, or none), a misspelt {@code rule} keyword
     * (Drools: the next rule's consequence, nine lines on), and a misspelt fact type.
     */
    @Test
    void constraintAndKeywordErrorsNameTheBrokenLine() throws IOException {
        java.util.Map<String, byte[]> real = RuleSet.read(Rules.DIR);
        java.util.List<String> lines = new String(real.get("air.drl"), java.nio.charset.StandardCharsets.UTF_8)
                .lines()
                .toList();
        String[][] cases = {
            {"indicator == $d.indicator,", "indicator == $d.indicatr,"}, // second line of a pattern
            {
                "inForceOn($d.date, $d.standardFrom), test($d.count))",
                "inForceOn($d.dat, $d.standardFrom), test($d.count))"
            },
            {"rule \"air.heavy-pollution-day\"", "rul \"air.heavy-pollution-day\""},
            {"$d : DailyStat()", "$d : DailyStt()"},
            {"$d : AirDay(hasAqi)", "$d : AirDay(hasAqii)"}
        };
        for (String[] c : cases) {
            int n = 0;
            for (int i = 0; i < lines.size() && n == 0; i++) {
                if (lines.get(i).contains(c[0])) {
                    n = i + 1;
                }
            }
            assertThat(n).as(c[0]).isPositive();
            java.util.List<String> broken = new java.util.ArrayList<>(lines);
            broken.set(n - 1, lines.get(n - 1).replace(c[0], c[1]));
            java.util.Map<String, byte[]> files = new java.util.TreeMap<>(real);
            files.put("air.drl", String.join("\n", broken).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            int line = n;
            assertThatThrownBy(() -> RuleSet.build(files, Rules.DIR))
                    .isInstanceOfSatisfying(
                            RuleBuildException.class,
                            e -> assertThat(e.problems().get(0).file() + ":"
                                            + e.problems().get(0).line())
                                    .as(c[1])
                                    .isEqualTo("air.drl:" + line));
        }
    }

    @Test
    void invalidThresholdEntryIsReportedWithItsIndex(@TempDir Path dir) throws IOException {
        Rules.copyTo(dir);
        String text = Files.readString(dir.resolve("thresholds.json"));
        Files.writeString(dir.resolve("thresholds.json"), text.replaceFirst("\"op\": \">\"", "\"op\": \"~\""));
        assertThatThrownBy(() -> RuleSet.build(dir)).isInstanceOfSatisfying(RuleBuildException.class, e -> {
            assertThat(e.problems()).singleElement().satisfies(p -> {
                assertThat(p.file()).isEqualTo("thresholds.json");
                assertThat(p.message()).startsWith("thresholds[0].op:");
            });
        });
    }

    /** A wrong type or an unknown field in a data table names the entry and field (the JSON Schema's check). */
    @Test
    void wrongTypesInDataTablesNameTheEntryAndField(@TempDir Path dir) throws IOException {
        Rules.copyTo(dir);
        String text = Files.readString(dir.resolve("thresholds.json"));
        Files.writeString(
                dir.resolve("thresholds.json"),
                text.replaceFirst("\"value\": 75,", "\"value\": \"75\",")
                        .replaceFirst("\"unit\": \"hours\",", "\"unit\": \"hours\", \"unti\": \"typo\","));
        String targets = Files.readString(dir.resolve("targets.json"));
        Files.writeString(dir.resolve("targets.json"), targets.replaceFirst("\"year\": 2023", "\"year\": \"2023\""));
        assertThatThrownBy(() -> RuleSet.build(dir)).isInstanceOfSatisfying(RuleBuildException.class, e -> {
            assertThat(e.problems())
                    .extracting(p -> p.file() + " " + p.message())
                    .anySatisfy(m -> assertThat(m)
                            .startsWith("thresholds.json thresholds[0].value:")
                            .contains("string")
                            .contains("number"))
                    .anySatisfy(m -> assertThat(m)
                            .startsWith("thresholds.json thresholds[1]")
                            .contains("unti"))
                    .anySatisfy(m -> assertThat(m).startsWith("targets.json year:"))
                    .noneSatisfy(
                            m -> assertThat(m).contains("ClassCastException").contains("cannot be cast"));
        });
    }

    @Test
    void versionChangesWhenAnyFileChanges(@TempDir Path dir) throws IOException {
        Rules.copyTo(dir);
        String before = RuleSet.build(dir).version();
        assertThat(before).isEqualTo(Rules.real().version());
        Files.writeString(dir.resolve("water.drl"), Files.readString(dir.resolve("water.drl")) + "\n// note\n");
        assertThat(RuleSet.build(dir).version()).isNotEqualTo(before);
    }
}
