package org.targetwatch.alerts;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * How each receiver type is sent a notification and how its answer is read.
 *
 * <ul>
 *   <li><b>webhook</b>: the payload as JSON, signed {@code X-TargetWatch-Signature: sha256=<hex>} and with the
 *       Standard Webhooks headers {@code webhook-id} (the idempotency key), {@code webhook-timestamp} (seconds) and
 *       {@code webhook-signature: v1,<base64 HMAC-SHA256 of "id.timestamp.body">} (a secret {@code whsec_<base64>}
 *       is used decoded, any other as its UTF-8 bytes). Any 2xx is delivered.
 *   <li><b>wecom</b> (企业微信群机器人): {@code {"msgtype": "markdown", "markdown": {"content"}}}, content at most
 *       4,096 bytes; the key is in the URL.
 *   <li><b>dingtalk</b> (钉钉自定义机器人, 加签): {@code &timestamp=<ms>&sign=<URL-encoded Base64 of
 *       HmacSHA256(key = secret, message = timestamp + "\n" + secret)>}; a markdown message with the receiver's
 *       {@code mentions} of the alert's severity as {@code at.atMobiles} and {@code @mobile} in the text.
 *   <li><b>feishu</b> (飞书自定义机器人): an interactive card; with a secret, {@code timestamp} (seconds) and
 *       {@code sign} = Base64 of HmacSHA256(key = timestamp + "\n" + secret, empty message) in the body; at most
 *       20 KB.
 * </ul>
 *
 * The chat services answer HTTP 200 with their verdict in the body ({@code errcode}, Feishu {@code code}): zero is
 * delivered; "too many messages" is {@link Verdict.Kind#THROTTLED} (sent again after the service's window); a bad
 * signature, key or token is {@link Verdict.Kind#REJECTED} (marked failed, never sent again, shown with its reason);
 * anything else is retried.
 */
public final class Channels {
    static final int WECOM_MARKDOWN_BYTES = 4096;
    static final int FEISHU_BODY_BYTES = 20 * 1024;
    static final int DINGTALK_TEXT_BYTES = 18_000;
    private static final ZoneId BEIJING = ZoneId.of("Asia/Shanghai");
    private static final DateTimeFormatter LOCAL = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm");

    /** DingTalk errcodes: 130101 sent too fast; 310000 signature, keyword or IP refused; 300001 no such token. */
    static final Set<Integer> DINGTALK_THROTTLED = Set.of(130101);

    static final Set<Integer> DINGTALK_REJECTED = Set.of(310000, 300001);
    /** WeCom errcodes: 45009 over the API's frequency; 93000 invalid webhook URL (key). */
    static final Set<Integer> WECOM_THROTTLED = Set.of(45009);

    static final Set<Integer> WECOM_REJECTED = Set.of(93000);
    /** Feishu codes: 11232 frequency limited; 19021 signature (or timestamp) refused, 19022 IP, 19024 keyword. */
    static final Set<Integer> FEISHU_THROTTLED = Set.of(11232);

    static final Set<Integer> FEISHU_REJECTED = Set.of(19021, 19022, 19024);

    /** What to send: the address (secrets included), headers and body. */
    record Request(String url, Map<String, String> headers, byte[] body) {}

    /** What the receiver's answer means. */
    record Verdict(Kind kind, String reason, long retryAfterMillis) {
        enum Kind {
            DELIVERED,
            RETRY,
            THROTTLED,
            REJECTED
        }
    }

    private final Templates templates;
    private final String publicUrl;

    public Channels(Templates templates, String publicUrl) {
        this.templates = templates;
        this.publicUrl = publicUrl;
    }

    /** The request of one notification ({@code payload} as stored in the outbox) to {@code r}, signed at {@code now}. */
    Request request(Routing.Receiver r, String office, String url, String key, String payload, Instant now) {
        if (r.type().equals("webhook")) {
            byte[] body = payload.getBytes(StandardCharsets.UTF_8);
            String ts = Long.toString(now.getEpochSecond());
            Map<String, String> h = new LinkedHashMap<>();
            h.put("Content-Type", "application/json; charset=utf-8");
            h.put("X-TargetWatch-Signature", "sha256=" + Delivery.sign(r.secret(), body));
            h.put("Idempotency-Key", key);
            h.put("webhook-id", key);
            h.put("webhook-timestamp", ts);
            h.put("webhook-signature", "v1," + standardSignature(r.secret(), key, ts, body));
            return new Request(url, h, body);
        }
        JsonObject p = new JsonObject(payload);
        Map<String, Object> scope = scope(p, r);
        if (r.type().equals("sms")) {
            return sms(r, url, key, scope, now);
        }
        String text = templates.render(office, r.type(), scope);
        String title = (String) scope.get("title");
        JsonObject body;
        String target = r.url();
        switch (r.type()) {
            case "wecom" ->
                body = new JsonObject()
                        .put("msgtype", "markdown")
                        .put("markdown", new JsonObject().put("content", fit(text, WECOM_MARKDOWN_BYTES)));
            case "dingtalk" -> {
                List<String> mobiles = r.mentions().getOrDefault(String.valueOf(scope.get("severity")), List.of());
                StringBuilder at = new StringBuilder();
                mobiles.forEach(m -> at.append(" @").append(m));
                body = new JsonObject()
                        .put("msgtype", "markdown")
                        .put(
                                "markdown",
                                new JsonObject()
                                        .put("title", title)
                                        .put(
                                                "text",
                                                fit(text, DINGTALK_TEXT_BYTES)
                                                        + (at.length() > 0
                                                                ? "\n\n"
                                                                        + at.toString()
                                                                                .strip()
                                                                : "")))
                        .put(
                                "at",
                                new JsonObject()
                                        .put("atMobiles", new JsonArray(mobiles))
                                        .put("isAtAll", false));
                String ts = Long.toString(now.toEpochMilli());
                target = target + "&timestamp=" + ts + "&sign="
                        + URLEncoder.encode(
                                base64(hmac(
                                        r.secret().getBytes(StandardCharsets.UTF_8),
                                        (ts + "\n" + r.secret()).getBytes(StandardCharsets.UTF_8))),
                                StandardCharsets.UTF_8);
            }
            case "feishu" -> {
                body = new JsonObject();
                if (r.secret() != null) {
                    String ts = Long.toString(now.getEpochSecond());
                    body.put("timestamp", ts)
                            .put(
                                    "sign",
                                    base64(hmac(
                                            (ts + "\n" + r.secret()).getBytes(StandardCharsets.UTF_8), new byte[0])));
                }
                body.put("msg_type", "interactive");
                int room = FEISHU_BODY_BYTES - 1024 - title.getBytes(StandardCharsets.UTF_8).length;
                body.put(
                        "card",
                        new JsonObject()
                                .put("config", new JsonObject().put("wide_screen_mode", true))
                                .put(
                                        "header",
                                        new JsonObject()
                                                .put("template", color((String) scope.get("severity")))
                                                .put(
                                                        "title",
                                                        new JsonObject()
                                                                .put("tag", "plain_text")
                                                                .put("content", title)))
                                .put(
                                        "elements",
                                        new JsonArray()
                                                .add(new JsonObject()
                                                        .put("tag", "markdown")
                                                        .put("content", fit(text, room)))));
            }
            default -> throw new IllegalStateException("receiver type " + r.type());
        }
        return new Request(
                target,
                Map.of("Content-Type", "application/json; charset=utf-8"),
                body.encode().getBytes(StandardCharsets.UTF_8));
    }

    /**
     * A Tencent Cloud SMS {@code SendSms} request (API 3.0, version 2021-01-11): the template's parameters filled
     * from the notification in the configured order (a group's from its first alert, {@code count} its size; each
     * cut to 20 characters), sent to the numbers of the notification's severity, signed TC3-HMAC-SHA256 as
     * https://cloud.tencent.com/document/api/382/52072 describes: canonical request of POST, "/", empty query, the
     * headers content-type and host, and the SHA-256 of the body; string to sign with the credential scope
     * {@code <UTC date>/sms/tc3_request}; key derived from {@code "TC3" + SecretKey} by date, service and
     * "tc3_request". {@code SessionContext} carries the idempotency key.
     */
    private Request sms(Routing.Receiver r, String url, String key, Map<String, Object> scope, Instant now) {
        Routing.Sms sms = r.sms();
        @SuppressWarnings("unchecked")
        Map<String, Object> group = (Map<String, Object>) scope.get("group");
        @SuppressWarnings("unchecked")
        Map<String, Object> alert = group != null
                ? ((List<Map<String, Object>>) group.get("alerts")).get(0)
                : (Map<String, Object>) scope.getOrDefault("alert", Map.of());
        JsonArray params = new JsonArray();
        for (String name : sms.templateParams()) {
            Object v = switch (name) {
                case "count" -> group == null ? 1 : group.get("count");
                case "kindZh", "time" -> alert.getOrDefault(name, scope.get(name));
                default -> alert.get(name);
            };
            String text = v == null ? "-" : String.valueOf(v);
            params.add(text.length() > 20 ? text.substring(0, 20) : text);
        }
        List<String> phones = sms.phoneNumbers().getOrDefault(String.valueOf(scope.get("severity")), List.of());
        if (phones.isEmpty()) {
            throw new IllegalStateException("no phoneNumbers for severity " + scope.get("severity"));
        }
        byte[] body = new JsonObject()
                .put("PhoneNumberSet", new JsonArray(phones))
                .put("SmsSdkAppId", sms.sdkAppId())
                .put("SignName", sms.signName())
                .put("TemplateId", sms.templateId())
                .put("TemplateParamSet", params)
                .put("SessionContext", key)
                .encode()
                .getBytes(StandardCharsets.UTF_8);
        // the Host header as sent: host, and port when not the scheme's default
        String host = java.net.URI.create(url).getRawAuthority();
        String contentType = "application/json; charset=utf-8";
        long ts = now.getEpochSecond();
        String date =
                java.time.LocalDate.ofInstant(now, java.time.ZoneOffset.UTC).toString();
        String canonical = "POST\n/\n\ncontent-type:" + contentType + "\nhost:" + host + "\n\ncontent-type;host\n"
                + sha256Hex(body);
        String scopeText = date + "/sms/tc3_request";
        String toSign = "TC3-HMAC-SHA256\n" + ts + "\n" + scopeText + "\n"
                + sha256Hex(canonical.getBytes(StandardCharsets.UTF_8));
        byte[] k = hmac(("TC3" + r.secret()).getBytes(StandardCharsets.UTF_8), date.getBytes(StandardCharsets.UTF_8));
        k = hmac(k, "sms".getBytes(StandardCharsets.UTF_8));
        k = hmac(k, "tc3_request".getBytes(StandardCharsets.UTF_8));
        String signature = java.util.HexFormat.of().formatHex(hmac(k, toSign.getBytes(StandardCharsets.UTF_8)));
        Map<String, String> h = new LinkedHashMap<>();
        h.put("Content-Type", contentType);
        h.put("X-TC-Action", "SendSms");
        h.put("X-TC-Version", "2021-01-11");
        h.put("X-TC-Timestamp", Long.toString(ts));
        h.put("X-TC-Region", sms.region());
        h.put(
                "Authorization",
                "TC3-HMAC-SHA256 Credential=" + sms.secretId() + "/" + scopeText
                        + ", SignedHeaders=content-type;host, Signature=" + signature);
        return new Request(url, h, body);
    }

    static String sha256Hex(byte[] b) {
        try {
            return java.util.HexFormat.of()
                    .formatHex(
                            java.security.MessageDigest.getInstance("SHA-256").digest(b));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Tencent Cloud's answer (HTTP 200 either way): {@code Response.Error.Code} for the request (AuthFailure.*,
     * a bad template or parameter: refused for good; RequestLimitExceeded, LimitExceeded.*: throttled; else retried),
     * or {@code Response.SendStatusSet[].Code} per number ("Ok"; LimitExceeded.* throttles the message, any other
     * refuses it naming the number).
     */
    private static Verdict smsVerdict(int status, String body, long after) {
        JsonObject response;
        try {
            response = new JsonObject(body == null || body.isBlank() ? "{}" : body).getJsonObject("Response");
        } catch (DecodeException | ClassCastException e) {
            return new Verdict(Verdict.Kind.RETRY, "HTTP " + status + " with a body that is no JSON object", -1);
        }
        if (response == null) {
            return new Verdict(Verdict.Kind.RETRY, "HTTP " + status + " without Response: " + shorten(body), -1);
        }
        JsonObject error = response.getJsonObject("Error");
        if (error != null) {
            String code = error.getString("Code", "");
            String reason = "Error " + code + ": " + error.getString("Message", "");
            if (code.startsWith("RequestLimitExceeded") || code.startsWith("LimitExceeded")) {
                return new Verdict(Verdict.Kind.THROTTLED, reason, after);
            }
            if (code.startsWith("AuthFailure")
                    || code.startsWith("UnauthorizedOperation")
                    || code.startsWith("InvalidParameter")
                    || code.startsWith("FailedOperation.TemplateIncorrectOrUnapproved")
                    || code.startsWith("FailedOperation.SignatureIncorrectOrUnapproved")) {
                return new Verdict(Verdict.Kind.REJECTED, reason, -1);
            }
            return new Verdict(Verdict.Kind.RETRY, reason, -1);
        }
        JsonArray set = response.getJsonArray("SendStatusSet", new JsonArray());
        if (set.isEmpty()) {
            return new Verdict(Verdict.Kind.RETRY, "no SendStatusSet: " + shorten(body), -1);
        }
        for (int i = 0; i < set.size(); i++) {
            JsonObject one = set.getJsonObject(i);
            String code = one.getString("Code", "");
            if (!code.equals("Ok")) {
                String reason = one.getString("PhoneNumber", "?") + " " + code + ": " + one.getString("Message", "");
                return code.startsWith("LimitExceeded")
                        ? new Verdict(Verdict.Kind.THROTTLED, reason, after)
                        : new Verdict(Verdict.Kind.REJECTED, reason, -1);
            }
        }
        return new Verdict(Verdict.Kind.DELIVERED, null, 0);
    }

    /** The receiver's answer read: HTTP status, body and Retry-After (null if absent). */
    Verdict verdict(Routing.Receiver r, int status, String body, String retryAfter) {
        long after = retryAfterMillis(retryAfter);
        if (status == 429) {
            return new Verdict(Verdict.Kind.THROTTLED, "HTTP 429", after);
        }
        if (r.type().equals("sms") && status / 100 == 2) {
            return smsVerdict(status, body, after);
        }
        if (r.type().equals("webhook")) {
            if (status / 100 == 2) {
                return new Verdict(Verdict.Kind.DELIVERED, null, 0);
            }
            return new Verdict(Verdict.Kind.RETRY, "HTTP " + status, status == 503 ? after : -1);
        }
        if (status / 100 != 2) {
            // a chat robot's address that does not exist (or no longer) is not retried
            boolean gone = status == 404 || status == 403 || status == 401;
            return new Verdict(gone ? Verdict.Kind.REJECTED : Verdict.Kind.RETRY, "HTTP " + status, after);
        }
        JsonObject answer;
        try {
            answer = new JsonObject(body == null || body.isBlank() ? "{}" : body);
        } catch (DecodeException | ClassCastException e) {
            return new Verdict(Verdict.Kind.RETRY, "HTTP " + status + " with a body that is no JSON object", -1);
        }
        String codeField = r.type().equals("feishu") ? (answer.containsKey("code") ? "code" : "StatusCode") : "errcode";
        Object raw = answer.getValue(codeField);
        if (!(raw instanceof Number n)) {
            return new Verdict(
                    Verdict.Kind.RETRY, "HTTP " + status + " without " + codeField + ": " + shorten(body), -1);
        }
        int code = n.intValue();
        String message = r.type().equals("feishu")
                ? answer.getString("msg", answer.getString("StatusMessage", ""))
                : answer.getString("errmsg", "");
        if (code == 0) {
            return new Verdict(Verdict.Kind.DELIVERED, null, 0);
        }
        String reason = codeField + " " + code + ": " + message;
        Set<Integer> throttled = switch (r.type()) {
            case "wecom" -> WECOM_THROTTLED;
            case "dingtalk" -> DINGTALK_THROTTLED;
            default -> FEISHU_THROTTLED;
        };
        Set<Integer> rejected = switch (r.type()) {
            case "wecom" -> WECOM_REJECTED;
            case "dingtalk" -> DINGTALK_REJECTED;
            default -> FEISHU_REJECTED;
        };
        if (throttled.contains(code)) {
            return new Verdict(Verdict.Kind.THROTTLED, reason, after);
        }
        if (rejected.contains(code)) {
            return new Verdict(Verdict.Kind.REJECTED, reason, -1);
        }
        return new Verdict(Verdict.Kind.RETRY, reason, -1);
    }

    /**
     * What templates see: the event ({@code kind}, {@code kindZh}, {@code actor}, {@code comment}, {@code time} in
     * Beijing time), the office ({@code office}), the alert ({@code alert}: id, rule, severity and
     * {@code severityZh}, category and {@code categoryZh}, subject, region, indicator, period, value, unit,
     * {@code op}, {@code threshold}, {@code thresholdId}, provenance, description, {@code link} to it on the
     * dashboard) or the import ({@code import}: fileName, rowsRead, stored, unchanged, refused, alerts, historical,
     * {@code link}) or the group ({@code group}: count, labels, {@code alerts}: the first {@link #GROUP_LISTED} of
     * them as {@code alert} plus kindZh, time and actor, {@code more}: how many are not listed, {@code link}), and
     * {@code title}.
     */
    Map<String, Object> scope(JsonObject p, Routing.Receiver r) {
        Map<String, Object> s = new HashMap<>();
        JsonObject event = p.getJsonObject("event", new JsonObject());
        String kind = event.getString("kind", "");
        s.put("kind", kind);
        s.put("kindZh", kindZh(kind));
        s.put("actor", event.getString("actor"));
        s.put("comment", blankToNull(event.getString("comment")));
        s.put("time", local(event.getString("at")));
        s.put("office", p.getJsonObject("office", new JsonObject()).getString("name"));
        JsonObject a = p.getJsonObject("alert");
        if (a != null) {
            Map<String, Object> alert = new HashMap<>();
            JsonObject th = a.getJsonObject("threshold", new JsonObject());
            alert.put("id", a.getValue("id"));
            alert.put("rule", a.getString("rule"));
            alert.put("severity", a.getString("severity"));
            alert.put("severityZh", severityZh(a.getString("severity")));
            alert.put("category", a.getString("category"));
            alert.put("categoryZh", categoryZh(a.getString("category")));
            alert.put("subject", a.getString("subject"));
            alert.put("subjectName", a.getString("subjectName", a.getString("subject")));
            alert.put("region", blankToNull(a.getString("region")));
            alert.put("indicator", a.getString("indicator"));
            alert.put("period", a.getString("period"));
            alert.put("value", number(a.getValue("value")));
            alert.put("clearingValue", number(a.getValue("clearingValue")));
            alert.put("unit", th.getString("unit", ""));
            alert.put("op", th.getString("op", ""));
            alert.put("threshold", number(th.getValue("value")));
            alert.put("thresholdId", th.getString("id"));
            alert.put("provenance", a.getString("provenance"));
            alert.put("description", a.getString("description"));
            alert.put("link", publicUrl + "/#/alert/" + a.getValue("id"));
            s.put("alert", alert);
            s.put("severity", a.getString("severity"));
            s.put(
                    "title",
                    "【" + severityZh(a.getString("severity")) + "】" + kindZh(kind) + " · "
                            + categoryZh(a.getString("category")) + " · "
                            + a.getString("subjectName", a.getString("subject")));
        }
        JsonObject imp = p.getJsonObject("import");
        if (imp != null) {
            Map<String, Object> m = new HashMap<>();
            imp.forEach(e -> m.put(e.getKey(), e.getValue()));
            JsonObject counts = imp.getJsonObject("alerts", new JsonObject());
            m.put("alerts", counts.getInteger("total", 0));
            m.put("historical", counts.getInteger("historical", 0));
            m.put("link", publicUrl + "/#/import/" + imp.getString("id"));
            s.put("import", m);
            s.put("severity", "info");
            s.put("title", "导入完成 · " + imp.getString("fileName"));
        }
        JsonArray grouped = p.getJsonArray("notifications");
        if (grouped != null) {
            List<Map<String, Object>> items = new java.util.ArrayList<>();
            String top = "info";
            for (int i = 0; i < grouped.size(); i++) {
                Map<String, Object> one = scope(grouped.getJsonObject(i), r);
                @SuppressWarnings("unchecked")
                Map<String, Object> alert = (Map<String, Object>) one.get("alert");
                if (alert == null) {
                    continue;
                }
                Map<String, Object> item = new HashMap<>(alert);
                item.put("kindZh", one.get("kindZh"));
                item.put("time", one.get("time"));
                item.put("actor", one.get("actor"));
                items.add(item);
                if (SEVERITIES.indexOf(String.valueOf(alert.get("severity"))) > SEVERITIES.indexOf(top)) {
                    top = String.valueOf(alert.get("severity"));
                }
            }
            JsonObject labels = p.getJsonObject("group", new JsonObject()).getJsonObject("labels", new JsonObject());
            List<String> shown = new java.util.ArrayList<>();
            labels.forEach(e -> shown.add(
                    e.getKey().equals("category")
                            ? categoryZh(String.valueOf(e.getValue()))
                            : String.valueOf(e.getValue())));
            Map<String, Object> group = new HashMap<>();
            group.put("count", items.size());
            group.put("labels", String.join(" · ", shown));
            group.put("alerts", items.subList(0, Math.min(items.size(), GROUP_LISTED)));
            group.put("more", items.size() > GROUP_LISTED ? items.size() - GROUP_LISTED : null);
            group.put("link", publicUrl + "/#/alerts");
            s.put("group", group);
            s.put("severity", top);
            s.put("time", local(event.getString("at")));
            s.put(
                    "title",
                    "【" + severityZh(top) + "】" + items.size() + " 条告警通知"
                            + (shown.isEmpty() ? "" : " · " + group.get("labels")));
        }
        s.put("summary", p.getString("summary"));
        return s;
    }

    /** Severities from least to most urgent. */
    private static final List<String> SEVERITIES = List.of("info", "warning", "major", "critical");

    /** How many notifications of a group a chat message lists (the rest are counted). */
    static final int GROUP_LISTED = 20;

    static String kindZh(String kind) {
        return switch (kind) {
            case "opened" -> "新告警";
            case "reopened" -> "再次触发";
            case "escalated" -> "已升级";
            case "repeated" -> "未确认提醒";
            case "acknowledged" -> "已确认";
            case "resolved" -> "已解决";
            case "withdrawn" -> "已撤销";
            case "import_finished" -> "导入完成";
            default -> kind;
        };
    }

    static String severityZh(String severity) {
        return switch (severity == null ? "" : severity) {
            case "info" -> "提示";
            case "warning" -> "警告";
            case "major" -> "重要";
            case "critical" -> "紧急";
            default -> String.valueOf(severity);
        };
    }

    static String categoryZh(String category) {
        return switch (category == null ? "" : category) {
            case "air" -> "空气质量";
            case "water" -> "水环境";
            case "debt" -> "政府债务";
            case "safety" -> "安全生产";
            case "target" -> "目标任务";
            default -> String.valueOf(category);
        };
    }

    private static String color(String severity) {
        return switch (severity == null ? "" : severity) {
            case "critical" -> "red";
            case "major" -> "orange";
            case "warning" -> "yellow";
            default -> "blue";
        };
    }

    /** A number as people read it: at most three decimals, no trailing zeros ({@code 80}, {@code 0.8}). */
    static String number(Object v) {
        if (!(v instanceof Number n)) {
            return v == null ? null : String.valueOf(v);
        }
        return new BigDecimal(n.toString())
                .setScale(3, RoundingMode.HALF_EVEN)
                .stripTrailingZeros()
                .toPlainString();
    }

    private static String local(String instant) {
        try {
            return instant == null ? null : LOCAL.format(Instant.parse(instant).atZone(BEIJING));
        } catch (java.time.format.DateTimeParseException e) {
            return instant;
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    /** {@code text} cut to at most {@code maxBytes} bytes of UTF-8, on a character boundary, marked as cut. */
    static String fit(String text, int maxBytes) {
        if (text.getBytes(StandardCharsets.UTF_8).length <= maxBytes) {
            return text;
        }
        String mark = "\n…（内容过长，已截断）";
        int room = maxBytes - mark.getBytes(StandardCharsets.UTF_8).length;
        int bytes = 0;
        int end = 0;
        while (end < text.length()) {
            int cp = text.codePointAt(end);
            int len = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8).length;
            if (bytes + len > room) {
                break;
            }
            bytes += len;
            end += Character.charCount(cp);
        }
        return text.substring(0, end) + mark;
    }

    /** Retry-After in seconds (the form these services use) as milliseconds, or -1. */
    private static long retryAfterMillis(String v) {
        if (v == null) {
            return -1;
        }
        try {
            long s = Long.parseLong(v.strip());
            return s < 0 ? -1 : Math.min(s, 3600) * 1000;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static String shorten(String s) {
        return s == null ? "" : s.length() > 200 ? s.substring(0, 200) + "…" : s;
    }

    /** The Standard Webhooks signature (Base64 HMAC-SHA256 of {@code id.timestamp.body}). */
    static String standardSignature(String secret, String id, String timestamp, byte[] body) {
        byte[] key = secret.startsWith("whsec_")
                ? Base64.getDecoder().decode(secret.substring("whsec_".length()))
                : secret.getBytes(StandardCharsets.UTF_8);
        byte[] prefix = (id + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8);
        byte[] message = new byte[prefix.length + body.length];
        System.arraycopy(prefix, 0, message, 0, prefix.length);
        System.arraycopy(body, 0, message, prefix.length, body.length);
        return base64(hmac(key, message));
    }

    static byte[] hmac(byte[] key, byte[] message) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(message);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String base64(byte[] b) {
        return Base64.getEncoder().encodeToString(b);
    }
}
