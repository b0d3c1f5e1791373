package org.targetwatch.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.targetwatch.support.Rules.evaluate;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.targetwatch.config.IndicatorCatalog;
import org.targetwatch.domain.targets.TargetsDomain;
import org.targetwatch.facts.Breach;
import org.targetwatch.facts.Reading;
import org.targetwatch.facts.TargetProgress;
import org.targetwatch.support.Rules;

/** rules/targets.drl with rules/targets.json: pace, projection, year end, bottom lines, year-on-year falls. */
class TargetsRulesTest {

    /** The 2023 work report of 曾都区, as published (a copy of shared/reference/000_56897e3e26716c43.txt). */
    private static final Path REPORT = Path.of("docs/reference/zengdu-2023-work-report.txt");

    private static TargetProgress progress(String targetId, LocalDate day, double value, double previous) {
        TargetDefinition def = Rules.real().targets().stream()
                .filter(t -> t.id().equals(targetId))
                .findFirst()
                .orElseThrow();
        Reading r = Rules.reading(def.indicator(), "zengdu", day, value, def.unit());
        return TargetsDomain.progress(
                def,
                new Reading(r.id(), r.indicator(), r.subject(), r.observedAt(), day, value, r.unit(), 1),
                previous);
    }

    private static List<String> fired(TargetProgress p) {
        return evaluate(p).stream().map(Breach::rule).toList();
    }

    @Test
    void everyTargetOfTheCatalogIsPresentOrExplained() throws Exception {
        Path file = Path.of("docs/reference/indicator-catalog.md");
        String catalog = Files.readString(file);
        Matcher m = Pattern.compile("(?m)^\\| (T\\d+[a-c]?) \\|").matcher(catalog);
        List<String> ids = new java.util.ArrayList<>();
        while (m.find()) {
            ids.add(m.group(1));
        }
        assertThat(ids).hasSizeGreaterThan(80);
        assertThat(Rules.real().targets().stream()
                        .map(TargetDefinition::id)
                        .filter(id -> id.startsWith("T"))
                        .collect(Collectors.toList()))
                .containsExactlyInAnyOrderElementsOf(ids);
        assertThat(Rules.real().targets()).allSatisfy(t -> {
            if (t.indicator() == null) {
                assertThat(t.reason()).as(t.id()).isNotBlank();
            }
            assertThat(t.phrase()).as(t.id()).startsWith("「");
        });
    }

    @Test
    void everyPhraseIsQuotedVerbatimFromTheReport() throws Exception {
        Path report = REPORT;
        String text = Files.readString(report);
        for (TargetDefinition t : Rules.real().targets()) {
            String phrase = t.phrase().substring(1, t.phrase().length() - 1);
            assertThat(text).as(t.id()).contains(phrase);
        }
    }

    @Test
    void everyCheckableTargetHasACatalogIndicatorWithItsUnit() {
        IndicatorCatalog catalog = IndicatorCatalog.load(Path.of("config/indicators.json"));
        assertThat(Rules.real().targets().stream().filter(t -> t.indicator() != null))
                .allSatisfy(t -> {
                    assertThat(catalog.find(t.indicator())).as(t.id()).isPresent();
                    assertThat(catalog.find(t.indicator()).get().unit())
                            .as(t.id())
                            .isEqualTo(t.unit());
                    if (t.indicator().startsWith("TARGET_")) {
                        assertThat(catalog.find(t.indicator()).get().category()).isEqualTo("target");
                    }
                });
    }

    /** T62 「新增城镇就业4500人以上」: cumulative, linear pace. 30 June 2023 is day 181 of 365. */
    @Test
    void cumulativeTargetBehindPaceBelowTheProRataValue() {
        LocalDate june30 = LocalDate.of(2023, 6, 30);
        double due = 4500 * 181.0 / 365; // 2231.5
        assertThat(fired(progress("T62", june30, 2231, Double.NaN))).contains("target.behind-pace");
        assertThat(fired(progress("T62", june30, 2232, Double.NaN))).doesNotContain("target.behind-pace");
        assertThat(evaluate(progress("T62", june30, 2000, Double.NaN)))
                .filteredOn(b -> b.rule().equals("target.behind-pace"))
                .singleElement()
                .satisfies(b -> {
                    assertThat(b.threshold().value()).isEqualTo(due);
                    assertThat(b.threshold().severity()).isEqualTo("info"); // plain directive
                    assertThat(b.threshold().source()).contains("新增城镇就业4500人以上");
                    assertThat(b.period()).isEqualTo("2023");
                });
    }

    @Test
    void cumulativeTargetAtRiskWhenItsProjectionMissesTheTarget() {
        LocalDate june30 = LocalDate.of(2023, 6, 30);
        // projection = value ÷ (181/365): 2231 → 4498.9 (at risk), 2232 → 4500.9 (not)
        assertThat(fired(progress("T62", june30, 2231, Double.NaN))).contains("target.at-risk");
        assertThat(fired(progress("T62", june30, 2232, Double.NaN))).isEmpty();
        assertThat(evaluate(progress("T62", june30, 1000, Double.NaN)))
                .filteredOn(b -> b.rule().equals("target.at-risk"))
                .singleElement()
                .satisfies(b -> assertThat(b.threshold().severity()).isEqualTo("warning"));
    }

    @Test
    void yearEndValueDecidesMetOrMissed() {
        LocalDate dec31 = LocalDate.of(2023, 12, 31);
        assertThat(fired(progress("T62", dec31, 4499, Double.NaN))).containsExactly("target.missed");
        assertThat(fired(progress("T62", dec31, 4500, Double.NaN))).isEmpty();
        assertThat(fired(progress("T62", dec31, 4501, Double.NaN))).isEmpty();
    }

    /** T15 「力争电商交易额突破15亿元」: 突破 = strictly more. */
    @Test
    void strictTargetIsMissedAtExactlyTheTarget() {
        LocalDate dec31 = LocalDate.of(2023, 12, 31);
        assertThat(fired(progress("T15", dec31, 15, Double.NaN))).containsExactly("target.missed");
        assertThat(fired(progress("T15", dec31, 15.01, Double.NaN))).isEmpty();
    }

    /** T01 「地区生产总值增长7%」: growth compared directly with 7, gap in points; 预期 → info behind pace. */
    @Test
    void growthTargetComparesTheGrowthRate() {
        LocalDate q1 = LocalDate.of(2023, 3, 31);
        assertThat(fired(progress("T01", q1, 6.9, Double.NaN))).containsExactly("target.behind-pace");
        assertThat(fired(progress("T01", q1, 7.0, Double.NaN))).isEmpty();
        assertThat(fired(progress("T01", q1, 7.1, Double.NaN))).isEmpty();
        assertThat(fired(progress("T01", LocalDate.of(2023, 12, 31), 6.9, Double.NaN)))
                .containsExactly("target.missed");
        assertThat(evaluate(progress("T01", q1, 6.5, Double.NaN)).get(0).note()).contains("gap -0.50");
    }

    /** Severity follows the wording: T47b 「确保…27万吨以上」 is stricter than a 力争 target. */
    @Test
    void ensureTargetsAreStricterThanStriveTargets() {
        LocalDate dec31 = LocalDate.of(2023, 12, 31);
        Breach ensure = evaluate(progress("T47b", dec31, 26, Double.NaN)).get(0);
        Breach strive = evaluate(progress("T14", dec31, 20, Double.NaN)).get(0);
        assertThat(ensure.threshold().strength()).isEqualTo("确保");
        assertThat(ensure.threshold().severity()).isEqualTo("major");
        assertThat(strive.threshold().strength()).isEqualTo("力争");
        assertThat(strive.threshold().severity()).isEqualTo("warning");
    }

    /** T47b grain output follows its seasonal profile: nothing is due before the summer harvest. */
    @Test
    void seasonalProfileSetsThePace() {
        assertThat(fired(progress("T47b", LocalDate.of(2023, 5, 31), 0, Double.NaN)))
                .isEmpty();
        assertThat(fired(progress("T47b", LocalDate.of(2023, 6, 30), 6.74, Double.NaN)))
                .contains("target.behind-pace");
        assertThat(fired(progress("T47b", LocalDate.of(2023, 6, 30), 6.75, Double.NaN)))
                .isEmpty();
    }

    @Test
    void bottomLineBreachesAtOnceAboveZero() {
        LocalDate d = LocalDate.of(2023, 4, 15);
        assertThat(fired(progress("T45", d, 0, Double.NaN))).isEmpty();
        assertThat(evaluate(progress("T45", d, 1, Double.NaN))).singleElement().satisfies(b -> {
            assertThat(b.rule()).isEqualTo("target.bottom-line");
            assertThat(b.threshold().severity()).isEqualTo("critical");
            assertThat(b.threshold().strength()).isEqualTo("底线");
        });
    }

    @Test
    void doneTargetIsMissedWhenNotDoneAtYearEnd() {
        assertThat(fired(progress("T40", LocalDate.of(2023, 6, 30), 0, Double.NaN)))
                .isEmpty();
        assertThat(fired(progress("T40", LocalDate.of(2023, 12, 31), 0, Double.NaN)))
                .containsExactly("target.missed");
        assertThat(fired(progress("T40", LocalDate.of(2023, 12, 31), 1, Double.NaN)))
                .isEmpty();
    }

    /** T74 「有效化解存量债务」: stock debt must be below the same date a year earlier. */
    @Test
    void decreaseTargetNeedsAFallYearOnYear() {
        LocalDate d = LocalDate.of(2023, 6, 30);
        assertThat(fired(progress("T74", d, 99, 100))).isEmpty();
        assertThat(fired(progress("T74", d, 100, 100))).containsExactly("target.not-decreasing");
        assertThat(fired(progress("T74", d, 101, 100))).containsExactly("target.not-decreasing");
        assertThat(fired(progress("T74", d, 101, Double.NaN))).isEmpty();
    }

    @Test
    void targetsApplyOnlyToTheReportYear() {
        assertThat(fired(progress("T62", LocalDate.of(2024, 12, 31), 0, Double.NaN)))
                .isEmpty();
    }

    /** Issue 13 item 15: S01/S02 quote 2022 results; they are baselines, every report commitment a target. */
    @Test
    void quoted2022ResultsAreBaselinesNotTargets() {
        List<TargetDefinition> all = Rules.real().targets();
        assertThat(all)
                .filteredOn(t -> t.id().startsWith("S0"))
                .hasSize(2)
                .allSatisfy(t -> assertThat(t.toJson().getString("role")).isEqualTo("baseline"));
        assertThat(all)
                .filteredOn(t -> t.id().startsWith("T"))
                .allSatisfy(t -> assertThat(t.role()).isEqualTo("target"));
    }

    /** Issue 13 item 12: the sown area follows a sowing calendar, so a shortfall shows by early summer. */
    @Test
    void sownAreaIsPacedBySowingNotByHarvest() {
        LocalDate june30 = LocalDate.of(2023, 6, 30);
        // 60万亩 are due sown by the end of June: 59.9 is behind, 60 on pace (the harvest profile expected 15)
        assertThat(fired(progress("T47a", june30, 59.9, Double.NaN))).contains("target.behind-pace");
        assertThat(fired(progress("T47a", june30, 60, Double.NaN))).doesNotContain("target.behind-pace");
        // grain output (T47b) keeps the harvest profile: 25% of 27万吨 by the end of June
        assertThat(fired(progress("T47b", june30, 6.75, Double.NaN))).doesNotContain("target.behind-pace");
        assertThat(fired(progress("T47b", june30, 6.7, Double.NaN))).contains("target.behind-pace");
    }

    /** Issue 13 item 11: T06 compares each income series with the GDP growth of the same period. */
    @Test
    void incomeGrowthIsJudgedAgainstTheGdpGrowthOfTheSamePeriod() {
        LocalDate june30 = LocalDate.of(2023, 6, 30);
        java.util.function.DoubleFunction<org.targetwatch.facts.IncomeInStep> urban = income ->
                new org.targetwatch.facts.IncomeInStep("zd", "TARGET_T06_URBAN", june30, income, 7.1, List.of());
        assertThat(evaluate(urban.apply(6.2))).isEmpty(); // 0.9 points below
        assertThat(evaluate(urban.apply(6.1))).isEmpty(); // exactly 1 point below: still in step
        assertThat(evaluate(urban.apply(6.0))).singleElement().satisfies(b -> {
            assertThat(b.rule()).isEqualTo("target.income-not-in-step-with-gdp");
            assertThat(b.indicator()).isEqualTo("TARGET_T06_URBAN");
            assertThat(b.value()).isEqualTo(-1.1);
            assertThat(b.threshold().status()).isEqualTo("UNCONFIRMED");
        });
        // a fast-growing economy: 6% income growth that a fixed 6% target would pass lags 8% GDP growth
        assertThat(evaluate(
                        new org.targetwatch.facts.IncomeInStep("zd", "TARGET_T06_RURAL", june30, 6.0, 8.0, List.of())))
                .hasSize(1);
    }

    /**
     * Issue 13 item 16: every 「完成…」 commitment of the report's 2023 work (二、2023年政府重点工作) is a target, and
     * every part of a phrase that names several projects is followed by a milestone of its own.
     */
    @Test
    void everyCompletionCommitmentOf2023IsATarget() throws Exception {
        String text = Files.readString(REPORT);
        String work = text.substring(text.indexOf("二、2023年政府重点工作"));
        List<TargetDefinition> all = Rules.real().targets();
        Matcher m = Pattern.compile("完成[^,，。；;]*").matcher(work);
        int found = 0;
        while (m.find()) {
            String clause = m.group();
            found++;
            assertThat(all).as(clause).anySatisfy(t -> assertThat(t.phrase()).contains(clause));
        }
        assertThat(found).isGreaterThanOrEqualTo(16);
        for (String item : List.of("万安生态陵园", "北郊卫生院经济开发区分院二期", "东城卫生院城南分院", "西城卫生院改建")) {
            assertThat(all).as(item).anySatisfy(t -> {
                assertThat(t.item()).isEqualTo(item);
                assertThat(t.milestone()).isTrue();
                assertThat(t.phrase()).contains(item);
            });
        }
        for (String phrase : List.of(
                "「完成经济开发区管理体制改革」",
                "「完成氵厥水河东岸生态环境提升工程建设」",
                "「完成乡镇垃圾分类收集转运一体化项目建设」",
                "「完成美丽乡村示范村、整治村建设任务」",
                "「完成服务类社会救助试点建设」")) {
            assertThat(all)
                    .as(phrase)
                    .filteredOn(t -> t.phrase().equals(phrase))
                    .singleElement()
                    .satisfies(t -> assertThat(t.mode()).isEqualTo("milestone"));
        }
        // T69 keeps the 60 village cemeteries; its 万安生态陵园 is milestone M07
        TargetDefinition wanan =
                all.stream().filter(t -> t.item().equals("万安生态陵园")).findFirst().orElseThrow();
        assertThat(wanan.partOf()).isEqualTo("T69");
        assertThat(wanan.phrase())
                .isEqualTo(all.stream()
                        .filter(t -> t.id().equals("T69"))
                        .findFirst()
                        .orElseThrow()
                        .phrase());
    }

    /** A completion-share milestone is held to its schedule, 1 January to its due date, 31 December. */
    @Test
    void milestoneShareIsBehindScheduleBelowItsElapsedShare() {
        // 2 July 2023 is day 183 of 365: 50.14% of the 氵厥水河东岸 project is due
        LocalDate july2 = LocalDate.of(2023, 7, 2);
        assertThat(evaluate(progress("M02", july2, 50.1, Double.NaN)))
                .singleElement()
                .satisfies(b -> {
                    assertThat(b.rule()).isEqualTo("target.behind-pace");
                    assertThat(b.threshold().severity()).isEqualTo("info");
                    assertThat(b.threshold().status()).isEqualTo("UNCONFIRMED");
                    assertThat(b.threshold().source()).contains("「完成氵厥水河东岸生态环境提升工程建设」");
                });
        assertThat(fired(progress("M02", july2, 50.2, Double.NaN))).isEmpty();
        // on the due date the schedule no longer matters: below 100% is missed, a plain directive's warning
        LocalDate dec31 = LocalDate.of(2023, 12, 31);
        assertThat(evaluate(progress("M02", dec31, 99.9, Double.NaN)))
                .singleElement()
                .satisfies(b -> {
                    assertThat(b.rule()).isEqualTo("target.missed");
                    assertThat(b.threshold().severity()).isEqualTo("warning");
                    assertThat(b.threshold().status()).isEqualTo("CONFIRMED");
                    assertThat(b.note()).contains("2023-12-31 到期");
                });
        assertThat(fired(progress("M02", dec31, 100, Double.NaN))).isEmpty();
        assertThat(fired(progress("M07", dec31, 80, Double.NaN))).containsExactly("target.missed");
    }

    /** A done / not-done milestone has nothing due before its due date and is missed on it unless done. */
    @Test
    void doneMilestoneIsJudgedOnItsDueDate() {
        assertThat(fired(progress("M01", LocalDate.of(2023, 11, 30), 0, Double.NaN)))
                .isEmpty();
        assertThat(fired(progress("M06", LocalDate.of(2023, 12, 31), 0, Double.NaN)))
                .containsExactly("target.missed");
        assertThat(fired(progress("M06", LocalDate.of(2023, 12, 31), 1, Double.NaN)))
                .isEmpty();
    }

    /**
     * A milestone's own start and due date set its schedule and the day it is judged; its severity follows the
     * report's wording as every target's does (确保: behind schedule warning, missed major).
     */
    @Test
    void milestoneDueDateAndWordingSetScheduleJudgementAndSeverity(@org.junit.jupiter.api.io.TempDir Path dir)
            throws Exception {
        RuleSet rs = rulesWith(
                dir,
                "M02",
                o -> o.put("start", "2023-06-01").put("due", "2023-06-30").put("strength", "确保"));
        TargetDefinition def = rs.targets().stream()
                .filter(t -> t.id().equals("M02"))
                .findFirst()
                .orElseThrow();
        java.util.function.BiFunction<LocalDate, Double, List<Breach>> at = (day, value) -> {
            Reading r = Rules.reading(def.indicator(), "zengdu", day, value, def.unit());
            return rs.evaluateInNewSession(List.of(TargetsDomain.progress(def, r, Double.NaN)));
        };
        // 15 of the 30 days of June: 50% due; below, at and above the line
        LocalDate june15 = LocalDate.of(2023, 6, 15);
        assertThat(at.apply(june15, 49.9)).singleElement().satisfies(b -> {
            assertThat(b.rule()).isEqualTo("target.behind-pace");
            assertThat(b.threshold().severity()).isEqualTo("warning");
        });
        assertThat(at.apply(june15, 50.0)).isEmpty();
        assertThat(at.apply(june15, 50.1)).isEmpty();
        // nothing is due before the start
        assertThat(at.apply(LocalDate.of(2023, 5, 20), 0.0)).isEmpty();
        // the day before the due date it is behind schedule, on the due date and after it missed
        assertThat(at.apply(LocalDate.of(2023, 6, 29), 95.0))
                .extracting(Breach::rule)
                .containsExactly("target.behind-pace");
        for (LocalDate day : List.of(LocalDate.of(2023, 6, 30), LocalDate.of(2023, 9, 30))) {
            assertThat(at.apply(day, 99.9)).as(day.toString()).singleElement().satisfies(b -> {
                assertThat(b.rule()).isEqualTo("target.missed");
                assertThat(b.threshold().severity()).isEqualTo("major");
                assertThat(b.note()).contains("2023-06-30 到期");
            });
            assertThat(at.apply(day, 100.0)).as(day.toString()).isEmpty();
        }
    }

    @Test
    void milestoneEntriesAreCheckedWithTheirIndexAndField(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        record Case(java.util.function.UnaryOperator<io.vertx.core.json.JsonObject> edit, String message) {}
        for (Case c : List.of(
                new Case(o -> o.put("due", "2024-03-31"), "due 2024-03-31 must be within 2023-01-01..2023-12-31"),
                new Case(
                        o -> o.put("start", "2023-07-01").put("due", "2023-06-30"),
                        "due 2023-06-30 must be within 2023-07-01..2023-12-31"),
                new Case(o -> o.put("due", "31.12.2023"), "due"),
                new Case(o -> o.put("measure", "percent"), "measure"),
                new Case(o -> o.put("item", "东岸公园"), "item '东岸公园' is not part of the phrase"))) {
            Path d = Files.createTempDirectory(dir, "rules");
            assertThatThrownBy(() -> rulesWith(d, "M02", c.edit()))
                    .as(c.message())
                    .isInstanceOfSatisfying(
                            RuleBuildException.class,
                            e -> assertThat(e.problems()).anySatisfy(p -> {
                                assertThat(p.file()).isEqualTo("targets.json");
                                assertThat(p.message()).contains("targets[").contains(c.message());
                            }));
        }
    }

    /** A copy of rules/ in {@code dir} whose target {@code id} is changed by {@code edit}, built. */
    private static RuleSet rulesWith(
            Path dir, String id, java.util.function.UnaryOperator<io.vertx.core.json.JsonObject> edit)
            throws Exception {
        Rules.copyTo(dir);
        io.vertx.core.json.JsonObject root =
                new io.vertx.core.json.JsonObject(Files.readString(dir.resolve("targets.json")));
        root.getJsonArray("targets").stream()
                .map(io.vertx.core.json.JsonObject.class::cast)
                .filter(o -> o.getString("id").equals(id))
                .forEach(edit::apply);
        Files.writeString(dir.resolve("targets.json"), root.encodePrettily());
        return RuleSet.build(dir);
    }
}
