package org.targetwatch.web;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * A briefing ({@link org.targetwatch.review.Briefing}) laid out as the sections a supervisor reads, in Chinese: one
 * sheet of the workbook and one part of the printable page each, from the same rows, so that both forms hold the
 * same figures as the JSON.
 */
final class BriefingSheets {
    /** A row of cells (String, Number or null); a header row is printed bold. */
    record Line(boolean header, List<Object> cells) {}

    record Sheet(String title, List<Line> lines) {}

    static final Map<String, String> TARGET_STATUS = Map.of(
            "on-pace", "按进度",
            "behind-pace", "落后进度",
            "at-risk", "有风险",
            "met", "已完成",
            "missed", "未完成",
            "pending", "待完成",
            "not-reported", "未报送",
            "not-checkable", "无法量化核查",
            "by-rule", "由规则核查");
    static final Map<String, String> BAND =
            Map.of("green", "绿色", "warning-line", "警戒线", "yellow", "黄色", "orange", "橙色", "red", "红色");
    static final Map<String, String> SEVERITY = Map.of("info", "提示", "warning", "警告", "major", "重要", "critical", "紧急");

    private BriefingSheets() {}

    static List<Sheet> of(JsonObject b, String generatedAt) {
        List<Sheet> out = new ArrayList<>();
        JsonObject period = b.getJsonObject("period");
        out.add(new Sheet(
                "概要",
                List.of(
                        row("报告", kindName(b.getString("kind"))),
                        row("区域", b.getJsonObject("district").getString("name")),
                        row("期间", period.getString("label")),
                        row("起止", period.getString("from") + " 至 " + period.getString("to")),
                        row("规则版本", b.getString("rulesetVersion")),
                        row("生成时间", generatedAt))));
        out.add(air(b.getJsonObject("air")));
        out.add(water(b.getJsonArray("water")));
        out.add(debt(b.getJsonObject("debt")));
        out.add(safety(b.getJsonObject("safety")));
        out.add(targets(b.getJsonObject("targets")));
        out.add(alerts(b.getJsonObject("alerts")));
        return out;
    }

    static String kindName(String kind) {
        return switch (kind) {
            case "quarterly" -> "季报";
            case "annual" -> "年报";
            default -> "月报";
        };
    }

    private static Sheet air(JsonObject a) {
        List<Line> l = new ArrayList<>();
        JsonObject p = a.getJsonObject("period");
        JsonObject y = a.getJsonObject("yearToDate");
        l.add(row("本期有效天数", p.getInteger("validDays")));
        l.add(row("本期优良天数", p.getInteger("goodDays")));
        l.add(row("本期优良天数比例 (%)", p.getValue("goodDayRatio")));
        l.add(row("年初至今优良天数比例 (%)", y.getValue("goodDayRatio")));
        l.add(row("年初至今有效天数 / 优良天数", y.getInteger("validDays") + " / " + y.getInteger("goodDays")));
        l.add(row("年度目标 (%)", y.getValue("goodDayTarget")));
        l.add(row("全年最高可达 (%)", y.getValue("bestPossibleRatio")));
        l.add(blank());
        l.add(header("空气质量类别", "天数"));
        a.getJsonObject("daysByCategory").forEach(e -> l.add(row(e.getKey(), e.getValue())));
        l.add(blank());
        l.add(header("超标日期", "AQI", "类别", "首要污染物"));
        a.getJsonArray("exceedanceDays").forEach(o -> {
            JsonObject d = (JsonObject) o;
            l.add(row(
                    d.getString("date"),
                    d.getInteger("aqi"),
                    d.getString("category"),
                    join(d.getJsonArray("primaryPollutants"))));
        });
        l.add(blank());
        l.add(header("首要污染物 (超标日)", "天数"));
        a.getJsonObject("primaryPollutantsOfExceedances").forEach(e -> l.add(row(e.getKey(), e.getValue())));
        l.add(blank());
        l.add(header("年度统计 (年初至今)", "统计量", "数值", "限值", "单位", "达标"));
        y.getJsonArray("annual", new JsonArray()).forEach(o -> {
            JsonObject s = (JsonObject) o;
            Boolean ok = s.getBoolean("attained");
            l.add(row(
                    s.getString("indicator"),
                    s.getString("statistic"),
                    s.getValue("value"),
                    s.getValue("limit"),
                    s.getString("unit"),
                    ok == null ? "—" : ok ? "是" : "否"));
        });
        l.add(blank());
        l.add(header("日历: 日期", "AQI", "类别", "首要污染物"));
        a.getJsonArray("calendar").forEach(o -> {
            JsonObject d = (JsonObject) o;
            l.add(row(
                    d.getString("date"),
                    d.getValue("aqi"),
                    d.getValue("category"),
                    join(d.getJsonArray("primaryPollutants"))));
        });
        return new Sheet("空气质量", l);
    }

    private static Sheet water(JsonArray w) {
        List<Line> l = new ArrayList<>();
        l.add(header("断面/水源", "类型", "年均类别", "目标类别", "是否达标", "主要污染物", "样本数"));
        w.forEach(o -> {
            JsonObject s = (JsonObject) o;
            Boolean meets = s.getBoolean("meetsTarget");
            l.add(row(
                    s.getString("name"),
                    "drinking-water-source".equals(s.getString("kind")) ? "饮用水水源地" : "断面",
                    s.getValue("class"),
                    s.getString("targetClass"),
                    meets == null ? "年初至今，未评价" : meets ? "达标" : "未达标",
                    join(s.getJsonArray("mainPollutants")),
                    s.getValue("samples")));
        });
        if (w.isEmpty()) {
            l.add(row("本期无水质数据"));
        }
        return new Sheet("水环境", l);
    }

    private static Sheet debt(JsonObject d) {
        List<Line> l = new ArrayList<>();
        JsonObject ratio = d.getJsonObject("ratio");
        l.add(header("项目", "数值", "单位/区间", "日期"));
        l.add(
                ratio == null
                        ? row("债务率", "未报送")
                        : row(
                                "债务率",
                                ratio.getValue("value"),
                                BAND.getOrDefault(ratio.getString("band"), ratio.getString("band")),
                                ratio.getString("date")));
        for (String[] k : new String[][] {{"newDebt", "新增债务"}, {"quota", "新增债务限额"}}) {
            JsonObject v = d.getJsonObject(k[0]);
            l.add(
                    v == null
                            ? row(k[1], "未报送")
                            : row(k[1], v.getValue("value"), v.getString("unit"), v.getString("date")));
        }
        Boolean within = d.getBoolean("withinQuota");
        l.add(row("新增债务在限额内", within == null ? "—" : within ? "是" : "否"));
        return new Sheet("政府债务", l);
    }

    private static Sheet safety(JsonObject s) {
        List<Line> l = new ArrayList<>();
        l.add(header("事故等级 (国务院令第493号)", "起数"));
        s.getJsonObject("accidentsByGrade").forEach(e -> l.add(row(e.getKey(), e.getValue())));
        l.add(row("重特大事故底线", s.getBoolean("bottomLineKept") ? "守住" : "未守住"));
        l.add(row("一般事故不产生告警，不在此计数"));
        return new Sheet("安全生产", l);
    }

    private static Sheet targets(JsonObject t) {
        List<Line> l = new ArrayList<>();
        l.add(header("分组", "ID", "内容", "强度", "最新值", "单位", "日期", "目标", "状态", "说明"));
        t.getJsonArray("groups").forEach(g -> {
            JsonObject group = (JsonObject) g;
            group.getJsonArray("targets").forEach(o -> {
                JsonObject x = (JsonObject) o;
                String note = "by-rule".equals(x.getString("status"))
                        ? String.join(
                                        ", ",
                                        x.getJsonArray("rules").stream()
                                                .map(String::valueOf)
                                                .toList()) + ": " + x.getValue("openAlerts") + " 条未关闭告警"
                        : x.getString("reason");
                l.add(row(
                        group.getString("title"),
                        x.getString("id"),
                        x.getString("phrase"),
                        x.getString("strength"),
                        x.getValue("value"),
                        x.getString("unit"),
                        x.getString("date"),
                        x.getValue("target") == null ? null : x.getString("op") + " " + x.getValue("target"),
                        TARGET_STATUS.getOrDefault(x.getString("status"), x.getString("status")),
                        note));
            });
        });
        return new Sheet("目标任务", l);
    }

    private static Sheet alerts(JsonObject a) {
        List<Line> l = new ArrayList<>();
        JsonObject p = a.getJsonObject("ofPeriod");
        l.add(row("本期数据产生的告警", p.getLong("total")));
        p.getJsonObject("bySeverity")
                .forEach(e -> l.add(row("　其中 " + SEVERITY.getOrDefault(e.getKey(), e.getKey()), e.getValue())));
        l.add(row("　其中尚未解决", p.getLong("unresolved")));
        l.add(row("本期新开 (实时告警)", a.getLong("opened")));
        l.add(row("本期解决", a.getLong("resolved")));
        l.add(row("期末逾期未认领 (开启超过 " + a.getInteger("overdueHours") + " 小时)", a.getLong("overdue")));
        l.add(row("平均认领用时 (分钟)", a.getValue("meanMinutesToAcknowledge")));
        l.add(blank());
        l.add(header("期末最久未解决: #", "规则", "对象", "级别", "期间", "开启时间", "已开启天数"));
        a.getJsonArray("longestOpen").forEach(o -> {
            JsonObject x = (JsonObject) o;
            l.add(row(
                    x.getLong("id"),
                    x.getString("rule"),
                    x.getString("subject"),
                    SEVERITY.getOrDefault(x.getString("severity"), x.getString("severity")),
                    x.getString("period"),
                    x.getString("openedAt"),
                    x.getValue("openDays")));
        });
        return new Sheet("告警处置", l);
    }

    private static String join(JsonArray a) {
        return a == null ? "" : String.join("、", a.stream().map(String::valueOf).toList());
    }

    private static Line row(Object... cells) {
        return new Line(false, Arrays.asList(cells));
    }

    private static Line header(Object... cells) {
        return new Line(true, Arrays.asList(cells));
    }

    private static Line blank() {
        return new Line(false, List.of());
    }
}
