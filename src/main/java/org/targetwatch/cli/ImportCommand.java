package org.targetwatch.cli;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code targetwatch import FILE}: uploads a file to a running server through {@code POST /api/v1/imports}
 * (streamed from disk, never read whole), then follows {@code GET /api/v1/imports/{id}} with a progress bar until
 * the import ends. It is a plain API client: whatever it does, curl can do too (docs/imports.md).
 *
 * <p>Exit codes: 0 the import is done and no row was refused; 3 it is done and some rows were refused (listed by
 * {@code --errors} or at the errors link); 1 the import failed, or the server could not be reached; 4 the server
 * refused the upload (the message says which field); 2 a wrong command line.
 */
@Command(
        name = "import",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "上传一个导入文件（CSV、Excel 或 HJ 212 报文记录）并显示进度，直到导入结束。",
            "Uploads an import file (CSV, Excel or an HJ 212 packet log) and shows its progress until it ends."
        })
public final class ImportCommand implements Callable<Integer> {
    static final int DONE = 0;
    static final int FAILED = 1;
    static final int DONE_WITH_REFUSED_ROWS = 3;
    static final int REFUSED = 4;

    /** How long the server may stay unreachable while an import is followed before the command gives up. */
    static final Duration UNREACHABLE_LIMIT = Duration.ofMinutes(10);

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE", description = "CSV (.csv/.txt), Excel (.xlsx/.xls) 或 HJ 212 (.hj212)")
    Path file;

    @Option(
            names = "--server",
            paramLabel = "URL",
            defaultValue = "${env:TARGETWATCH_SERVER:-http://localhost:8080}",
            description = "服务器地址 / server (default: $TARGETWATCH_SERVER or ${DEFAULT-VALUE})")
    URI server;

    @Option(
            names = "--token",
            paramLabel = "T",
            defaultValue = "${env:TARGETWATCH_TOKEN}",
            description = "officer 令牌 / an officer token (default: $TARGETWATCH_TOKEN)")
    String token;

    @Option(
            names = "--mapping",
            paramLabel = "M",
            description = "列名到指标代码的映射：JSON 对象或 JSON 文件路径 / column headers to indicator codes:"
                    + " a JSON object, or the path of a file holding one, e.g. {\"细颗粒物浓度\": \"PM2_5\"}")
    String mapping;

    @Option(
            names = "--subject",
            paramLabel = "ID",
            description = "宽表无对象列时的对象 / the subject of a wide file without a subject column")
    String subject;

    @Option(
            names = "--charset",
            paramLabel = "CS",
            description = "CSV 的编码（UTF-8、GBK、GB18030）；缺省时自动识别 / the CSV's charset; detected when omitted")
    String charset;

    @Option(
            names = "--hour-label",
            paramLabel = "start|end",
            description = "小时值的时间标记 / what an hourly value's time marks (default: the subjects' setting)")
    String hourLabel;

    @Option(
            names = "--type",
            paramLabel = "csv|xlsx|xls|hj212",
            description = "文件类型；缺省时由扩展名判断 / the file's type; taken from its extension when omitted")
    String type;

    @Option(names = "--errors", paramLabel = "OUT", description = "把拒收的行另存为 CSV / save the refused rows as CSV to OUT")
    Path errors;

    @Option(
            names = "--poll-millis",
            paramLabel = "MS",
            defaultValue = "500",
            description = "进度查询间隔 / how often progress is asked for (default: ${DEFAULT-VALUE})")
    long pollMillis;

    @Option(
            names = "--lang",
            paramLabel = "zh|en",
            defaultValue = "zh",
            description = "输出语言 / language of the output (default: ${DEFAULT-VALUE})")
    String lang;

    private Messages m;
    private PrintWriter out;
    private PrintWriter err;

    @Override
    public Integer call() throws Exception {
        m = Messages.of(lang);
        out = spec.commandLine().getOut();
        err = spec.commandLine().getErr();
        if (token == null || token.isBlank()) {
            return usage(m.noToken());
        }
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            return usage(m.noFile(file));
        }
        String contentType;
        String query;
        try {
            contentType = contentType();
            query = query();
        } catch (IllegalArgumentException e) {
            return usage(e.getMessage());
        }
        HttpClient http = HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(10))
                .version(HttpClient.Version.HTTP_1_1)
                .build();
        long size = Files.size(file);
        Progress bar = new Progress(err, System.console() != null, m);
        HttpRequest upload = HttpRequest.newBuilder(api("/api/v1/imports" + query))
                .header("Authorization", "Bearer " + token.strip())
                .header("Content-Type", contentType)
                .POST(new CountingPublisher(HttpRequest.BodyPublishers.ofFile(file), sent -> bar.upload(sent, size)))
                .build();
        HttpResponse<String> answer;
        try {
            answer = http.send(upload, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (ConnectException | HttpTimeoutException e) {
            bar.end();
            err.println(m.unreachable(server, e));
            return FAILED;
        }
        bar.end();
        if (answer.statusCode() != 202) {
            err.println(m.uploadRefused(answer.statusCode(), describe(answer.body())));
            return REFUSED;
        }
        JsonObject job = new JsonObject(answer.body());
        String id = job.getString("id");
        out.println(m.accepted(file.getFileName().toString(), id, api("/api/v1/imports/" + id)));
        out.flush();
        JsonObject last = follow(http, id, bar);
        bar.end();
        if (last == null) {
            err.println(m.lostTrack(api("/api/v1/imports/" + id)));
            return FAILED;
        }
        report(last);
        if ("failed".equals(last.getString("status"))) {
            return FAILED;
        }
        if (last.getLong("refused", 0L) > 0) {
            if (errors != null) {
                saveErrors(http, id);
            }
            return DONE_WITH_REFUSED_ROWS;
        }
        return DONE;
    }

    /** Polls until the import is done or failed; null if the server stayed unreachable past the limit. */
    private JsonObject follow(HttpClient http, String id, Progress bar) throws InterruptedException {
        HttpRequest get = HttpRequest.newBuilder(api("/api/v1/imports/" + id))
                .header("Authorization", "Bearer " + token.strip())
                .timeout(Duration.ofSeconds(30))
                .GET()
                .build();
        long unreachableSince = -1;
        while (true) {
            try {
                HttpResponse<String> r = http.send(get, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
                if (r.statusCode() == 200) {
                    unreachableSince = -1;
                    JsonObject state = new JsonObject(r.body());
                    bar.job(state);
                    String status = state.getString("status");
                    if ("done".equals(status) || "failed".equals(status)) {
                        return state;
                    }
                } else if (r.statusCode() != 503) {
                    bar.end();
                    err.println(m.uploadRefused(r.statusCode(), describe(r.body())));
                    return null;
                }
            } catch (IOException e) {
                // a restarting server: its import continues when it is back, so keep asking for a while
                long now = System.nanoTime();
                if (unreachableSince < 0) {
                    unreachableSince = now;
                    bar.note(m.waitingForServer());
                } else if (Duration.ofNanos(now - unreachableSince).compareTo(UNREACHABLE_LIMIT) > 0) {
                    return null;
                }
            }
            Thread.sleep(Math.max(50, pollMillis));
        }
    }

    private void report(JsonObject s) {
        out.println(m.summary(s));
        JsonObject alerts = s.getJsonObject("alerts");
        if (alerts != null && alerts.getInteger("total", 0) > 0) {
            out.println(m.alerts(alerts));
        }
        if (s.getString("error") != null) {
            out.println(m.error(s.getString("error")));
        }
        if (s.getLong("refused", 0L) > 0) {
            out.println(m.refusedRows(
                    s.getLong("refused"), api(s.getJsonObject("links").getString("errors")), errors));
        }
        out.flush();
    }

    private void saveErrors(HttpClient http, String id) throws IOException, InterruptedException {
        HttpRequest get = HttpRequest.newBuilder(api("/api/v1/imports/" + id + "/errors"))
                .header("Authorization", "Bearer " + token.strip())
                .GET()
                .build();
        HttpResponse<Path> r = http.send(get, HttpResponse.BodyHandlers.ofFile(errors));
        if (r.statusCode() != 200) {
            Files.deleteIfExists(errors);
            err.println(m.uploadRefused(r.statusCode(), ""));
        }
    }

    /** The Content-Type the API expects for this file: from --type, else from the file's extension. */
    String contentType() {
        String kind = type;
        if (kind == null) {
            String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
            int dot = name.lastIndexOf('.');
            kind = dot < 0 ? "" : name.substring(dot + 1);
            if (kind.equals("txt")) {
                kind = "csv";
            }
        }
        return switch (kind.toLowerCase(Locale.ROOT)) {
            case "csv" -> charset == null ? "text/csv" : "text/csv; charset=" + charset;
            case "xlsx" -> "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
            case "xls" -> "application/vnd.ms-excel";
            case "hj212" -> "text/plain"; // frames are ASCII
            default -> throw new IllegalArgumentException(m.unknownType(file, kind));
        };
    }

    /** The query of the upload: the file's name and the options given, each URL-encoded. */
    String query() {
        Map<String, String> q = new LinkedHashMap<>();
        q.put("name", file.getFileName().toString());
        if (subject != null) {
            q.put("subject", subject);
        }
        if (hourLabel != null) {
            q.put("hourLabel", hourLabel);
        }
        if (mapping != null) {
            q.put("mapping", mappingJson());
        }
        return q.entrySet().stream()
                .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&", "?", ""));
    }

    /** --mapping as compact JSON: the value itself when it is an object, else the file it names. */
    private String mappingJson() {
        String text = mapping.strip();
        if (!text.startsWith("{")) {
            try {
                text = Files.readString(Path.of(text), StandardCharsets.UTF_8);
            } catch (IOException | RuntimeException e) {
                throw new IllegalArgumentException(m.badMapping(mapping, e.getMessage()));
            }
        }
        try {
            return new JsonObject(text).encode();
        } catch (DecodeException | ClassCastException e) {
            throw new IllegalArgumentException(m.badMapping(mapping, "not a JSON object"));
        }
    }

    private URI api(String path) {
        String base = server.toString();
        return URI.create((base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + path);
    }

    /** The API's error body as one line: its message and the field or item it names. */
    private static String describe(String body) {
        try {
            JsonObject e = new JsonObject(body);
            StringBuilder b = new StringBuilder(e.getString("message", ""));
            if (e.getString("field") != null) {
                b.append(" [").append(e.getString("field")).append(']');
            }
            if (e.getValue("errors") instanceof io.vertx.core.json.JsonArray list) {
                for (Object o : list) {
                    if (o instanceof JsonObject fe
                            && !fe.getString("message", "").equals(e.getString("message"))) {
                        b.append("\n  - ")
                                .append(fe.getValue("index") == null ? "" : "#" + fe.getValue("index") + " ")
                                .append(
                                        fe.getString("field") == null
                                                        || fe.getString("field").isEmpty()
                                                ? ""
                                                : fe.getString("field") + ": ")
                                .append(fe.getString("message", ""));
                    }
                }
            }
            return b.toString();
        } catch (RuntimeException e) {
            return body.length() > 500 ? body.substring(0, 500) : body;
        }
    }

    private int usage(String message) {
        err.println("targetwatch import: " + message);
        err.flush();
        return spec.exitCodeOnInvalidInput();
    }
}
