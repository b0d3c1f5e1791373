package org.targetwatch.cli;

import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.nio.file.Path;
import java.util.Locale;

/** What the import command says, in Chinese (the default) or English. */
abstract class Messages {
    static Messages of(String lang) {
        return "en".equalsIgnoreCase(lang) ? new English() : new Chinese();
    }

    abstract String noToken();

    abstract String noFile(Path file);

    abstract String unknownType(Path file, String extension);

    abstract String badMapping(String mapping, String why);

    abstract String unreachable(URI server, Exception e);

    abstract String uploadRefused(int status, String body);

    abstract String accepted(String file, String id, URI url);

    abstract String uploading(long sent, long size);

    abstract String phase(String status);

    abstract String line(JsonObject s);

    abstract String summary(JsonObject s);

    abstract String alerts(JsonObject summary);

    abstract String error(String error);

    abstract String refusedRows(long refused, URI errorsUrl, Path savedTo);

    abstract String waitingForServer();

    abstract String lostTrack(URI url);

    static String n(long v) {
        return String.format(Locale.ROOT, "%,d", v);
    }

    static String bytes(long v) {
        if (v < 1024 * 1024) {
            return String.format(Locale.ROOT, "%.1f KiB", v / 1024.0);
        }
        if (v < 1024L * 1024 * 1024) {
            return String.format(Locale.ROOT, "%.1f MiB", v / (1024.0 * 1024));
        }
        return String.format(Locale.ROOT, "%.2f GiB", v / (1024.0 * 1024 * 1024));
    }

    static String duration(long seconds) {
        return String.format(Locale.ROOT, "%d:%02d:%02d", seconds / 3600, seconds / 60 % 60, seconds % 60);
    }

    static long count(JsonObject s, String key) {
        Long v = s.getLong(key);
        return v == null ? 0 : v;
    }

    /** Rate and ETA of a state, where the server reports them; empty strings otherwise. */
    static String rate(JsonObject s, String perSecond, String left) {
        StringBuilder b = new StringBuilder();
        if (s.getDouble("rate") != null) {
            b.append(" · ").append(n(Math.round(s.getDouble("rate")))).append(perSecond);
        }
        if (s.getLong("etaSeconds") != null) {
            b.append(" · ").append(left).append(duration(s.getLong("etaSeconds")));
        }
        return b.toString();
    }

    /** {@code rule: critical 2, warning 1; ...}. */
    static String byRule(JsonObject summary) {
        StringBuilder b = new StringBuilder();
        for (Object o : summary.getJsonArray("byRule")) {
            JsonObject r = (JsonObject) o;
            b.append("\n  ").append(r.getString("rule")).append(": ");
            JsonObject c = r.getJsonObject("bySeverity");
            b.append(String.join(
                    ", ",
                    c.fieldNames().stream().map(k -> k + " " + c.getValue(k)).toList()));
        }
        return b.toString();
    }

    static final class Chinese extends Messages {
        @Override
        String noToken() {
            return "缺少令牌：请用 --token 或环境变量 TARGETWATCH_TOKEN 给出一个 officer 令牌";
        }

        @Override
        String noFile(Path file) {
            return "文件不存在或不可读：" + file;
        }

        @Override
        String unknownType(Path file, String extension) {
            return "无法从文件名判断类型（扩展名 \"" + extension + "\"）：" + file.getFileName() + "；请用 --type csv|xlsx|xls|hj212 指明";
        }

        @Override
        String badMapping(String mapping, String why) {
            return "--mapping 须为 JSON 对象或含 JSON 对象的文件路径（" + why + "）：" + mapping;
        }

        @Override
        String unreachable(URI server, Exception e) {
            return "无法连接服务器 " + server + "：" + e.getMessage() + "；导入未开始";
        }

        @Override
        String uploadRefused(int status, String body) {
            return "服务器拒绝了请求（HTTP " + status + "），未导入任何数据：" + body;
        }

        @Override
        String accepted(String file, String id, URI url) {
            return "已上传 " + file + "，导入任务 " + id + "（" + url + "）";
        }

        @Override
        String uploading(long sent, long size) {
            return "上传 " + bytes(sent) + " / " + bytes(size);
        }

        @Override
        String phase(String status) {
            return switch (status) {
                case "queued" -> "排队中";
                case "reading" -> "读取中";
                case "applying" -> "入库中";
                case "done" -> "已完成";
                case "failed" -> "失败";
                default -> status;
            };
        }

        @Override
        String line(JsonObject s) {
            return phase(s.getString("status")) + " · 已读 " + n(count(s, "rowsRead")) + " 行 · 读数 "
                    + n(count(s, "readings")) + " · 已处理 " + n(count(s, "applied")) + " · 拒收 "
                    + n(count(s, "refused")) + rate(s, " 条/秒", "剩余 ");
        }

        @Override
        String summary(JsonObject s) {
            return "导入" + phase(s.getString("status")) + "：读取 " + n(count(s, "rowsRead")) + " 行，读数 "
                    + n(count(s, "readings")) + "；新存 " + n(count(s, "stored")) + "，更正 "
                    + n(count(s, "corrections")) + "，未变 " + n(count(s, "unchanged")) + "，拒收 "
                    + n(count(s, "refused")) + "。";
        }

        @Override
        String alerts(JsonObject a) {
            return "产生告警 " + a.getInteger("total") + " 条（历史 " + a.getInteger("historical") + " 条，未关闭 "
                    + a.getInteger("open") + " 条）：" + byRule(a);
        }

        @Override
        String error(String error) {
            return "错误：" + error;
        }

        @Override
        String refusedRows(long refused, URI errorsUrl, Path savedTo) {
            return "拒收 " + n(refused) + " 行，原因见 " + (savedTo == null ? errorsUrl + "（或加 --errors 文件名 另存）" : savedTo);
        }

        @Override
        String waitingForServer() {
            return "服务器暂时无法连接；导入会在服务器恢复后继续，正在等待…";
        }

        @Override
        String lostTrack(URI url) {
            return "已无法跟踪导入进度；导入仍在服务器上，可在 " + url + " 查看";
        }
    }

    static final class English extends Messages {
        @Override
        String noToken() {
            return "no token: give an officer token with --token or TARGETWATCH_TOKEN";
        }

        @Override
        String noFile(Path file) {
            return "no such readable file: " + file;
        }

        @Override
        String unknownType(Path file, String extension) {
            return "cannot tell the type of " + file.getFileName() + " from its extension \"" + extension
                    + "\"; say it with --type csv|xlsx|xls|hj212";
        }

        @Override
        String badMapping(String mapping, String why) {
            return "--mapping must be a JSON object or the path of a file holding one (" + why + "): " + mapping;
        }

        @Override
        String unreachable(URI server, Exception e) {
            return "cannot reach the server " + server + ": " + e.getMessage() + "; nothing was imported";
        }

        @Override
        String uploadRefused(int status, String body) {
            return "the server refused the request (HTTP " + status + "); nothing was imported: " + body;
        }

        @Override
        String accepted(String file, String id, URI url) {
            return "uploaded " + file + " as import " + id + " (" + url + ")";
        }

        @Override
        String uploading(long sent, long size) {
            return "uploading " + bytes(sent) + " / " + bytes(size);
        }

        @Override
        String phase(String status) {
            return status;
        }

        @Override
        String line(JsonObject s) {
            return s.getString("status") + " · " + n(count(s, "rowsRead")) + " rows read · "
                    + n(count(s, "readings")) + " readings · " + n(count(s, "applied")) + " applied · "
                    + n(count(s, "refused")) + " refused" + rate(s, "/s", "ETA ");
        }

        @Override
        String summary(JsonObject s) {
            return "import " + s.getString("status") + ": " + n(count(s, "rowsRead")) + " rows read, "
                    + n(count(s, "readings")) + " readings; " + n(count(s, "stored")) + " stored, "
                    + n(count(s, "corrections")) + " corrections, " + n(count(s, "unchanged")) + " unchanged, "
                    + n(count(s, "refused")) + " refused.";
        }

        @Override
        String alerts(JsonObject a) {
            return a.getInteger("total") + " alerts (" + a.getInteger("historical") + " historical, "
                    + a.getInteger("open") + " open):" + byRule(a);
        }

        @Override
        String error(String error) {
            return "error: " + error;
        }

        @Override
        String refusedRows(long refused, URI errorsUrl, Path savedTo) {
            return n(refused) + " rows refused; the reasons are at "
                    + (savedTo == null ? errorsUrl + " (or save them with --errors FILE)" : savedTo);
        }

        @Override
        String waitingForServer() {
            return "the server cannot be reached; the import continues when it is back. Waiting…";
        }

        @Override
        String lostTrack(URI url) {
            return "lost track of the import; it goes on at the server: " + url;
        }
    }
}
