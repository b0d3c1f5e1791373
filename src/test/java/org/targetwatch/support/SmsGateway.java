package org.targetwatch.support;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A real HTTP server on loopback playing Tencent Cloud SMS {@code SendSms} (API 3.0, version 2021-01-11) as its
 * documentation describes it (https://cloud.tencent.com/document/api/382/55981, signature v3
 * https://cloud.tencent.com/document/api/382/52072): the common headers (X-TC-Action, X-TC-Version, X-TC-Timestamp
 * within five minutes, X-TC-Region), the TC3-HMAC-SHA256 Authorization recomputed here from the SecretKey by the
 * documented steps (written independently of the code under test), the application, signature name, an approved
 * template with its number of parameters, and mainland numbers in E.164. It answers HTTP 200 as the service does:
 * {@code Response.SendStatusSet} per number, or {@code Response.Error}.
 */
public final class SmsGateway implements AutoCloseable {
    /** One request as received, with the code answered ("Ok" or the error code). */
    public record Received(JsonObject body, Map<String, List<String>> headers, String code) {}

    public final List<Received> requests = new CopyOnWriteArrayList<>();
    private final HttpServer server;
    private final Supplier<Instant> now;
    private final String secretId;
    private final String secretKey;
    private final String appId;
    private final String signName;
    private final Map<String, Integer> templates;
    private static final Pattern AUTH =
            Pattern.compile("TC3-HMAC-SHA256 Credential=([^/]+)/(\\d{4}-\\d{2}-\\d{2})/sms/tc3_request,"
                    + " SignedHeaders=content-type;host, Signature=([0-9a-f]{64})");

    /**
     * @param templates approved template id → its number of parameters
     */
    public SmsGateway(
            Supplier<Instant> now,
            String secretId,
            String secretKey,
            String appId,
            String signName,
            Map<String, Integer> templates)
            throws IOException {
        this.now = now;
        this.secretId = secretId;
        this.secretKey = secretKey;
        this.appId = appId;
        this.signName = signName;
        this.templates = templates;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Requests answered Ok for every number. */
    public List<Received> accepted() {
        return requests.stream().filter(r -> r.code().equals("Ok")).toList();
    }

    private void handle(HttpExchange ex) throws IOException {
        byte[] raw = ex.getRequestBody().readAllBytes();
        JsonObject body;
        try {
            body = new JsonObject(new String(raw, StandardCharsets.UTF_8));
        } catch (RuntimeException e) {
            answer(ex, null, error("InvalidParameter", "body is no JSON object"));
            return;
        }
        String code = check(ex, raw, body);
        JsonObject response;
        if (code != null) {
            response = error(code, "refused by the test gateway: " + code);
        } else {
            JsonArray set = new JsonArray();
            body.getJsonArray("PhoneNumberSet")
                    .forEach(p -> set.add(new JsonObject()
                            .put("SerialNo", "2028:" + System.nanoTime())
                            .put("PhoneNumber", p)
                            .put("Fee", 1)
                            .put("SessionContext", body.getString("SessionContext", ""))
                            .put("Code", "Ok")
                            .put("Message", "send success")
                            .put("IsoCode", "CN")));
            response = new JsonObject()
                    .put(
                            "Response",
                            new JsonObject().put("SendStatusSet", set).put("RequestId", "req-" + System.nanoTime()));
        }
        requests.add(new Received(body, Map.copyOf(ex.getRequestHeaders()), code == null ? "Ok" : code));
        answer(ex, body, response);
    }

    /** The error code the service would answer, or null if the request is right. */
    private String check(HttpExchange ex, byte[] raw, JsonObject body) {
        var h = ex.getRequestHeaders();
        if (!"POST".equals(ex.getRequestMethod())
                || !"SendSms".equals(h.getFirst("X-TC-Action"))
                || !"2021-01-11".equals(h.getFirst("X-TC-Version"))
                || h.getFirst("X-TC-Region") == null) {
            return "InvalidAction";
        }
        long ts;
        try {
            ts = Long.parseLong(h.getFirst("X-TC-Timestamp"));
        } catch (RuntimeException e) {
            return "MissingParameter";
        }
        if (Math.abs(now.get().getEpochSecond() - ts) > 300) {
            return "AuthFailure.SignatureExpire";
        }
        Matcher m = AUTH.matcher(String.valueOf(h.getFirst("Authorization")));
        if (!m.matches()) {
            return "AuthFailure.InvalidAuthorization";
        }
        if (!m.group(1).equals(secretId)) {
            return "AuthFailure.SecretIdNotFound";
        }
        String date =
                LocalDate.ofInstant(Instant.ofEpochSecond(ts), ZoneOffset.UTC).toString();
        if (!m.group(2).equals(date)) {
            return "AuthFailure.SignatureFailure";
        }
        // step 1: canonical request; step 2: string to sign; step 3: derived key and signature
        String canonical = "POST\n/\n\n" + "content-type:" + h.getFirst("Content-Type") + "\n" + "host:"
                + h.getFirst("Host") + "\n" + "\n" + "content-type;host\n" + hex(sha256(raw));
        String toSign = "TC3-HMAC-SHA256\n" + ts + "\n" + date + "/sms/tc3_request\n"
                + hex(sha256(canonical.getBytes(StandardCharsets.UTF_8)));
        byte[] secretDate = hmac(("TC3" + secretKey).getBytes(StandardCharsets.UTF_8), date);
        byte[] secretService = hmac(secretDate, "sms");
        byte[] secretSigning = hmac(secretService, "tc3_request");
        if (!hex(hmac(secretSigning, toSign)).equals(m.group(3))) {
            return "AuthFailure.SignatureFailure";
        }
        if (!appId.equals(body.getString("SmsSdkAppId"))) {
            return "InvalidParameterValue.SdkAppIdNotExist";
        }
        if (!signName.equals(body.getString("SignName"))) {
            return "FailedOperation.SignatureIncorrectOrUnapproved";
        }
        Integer params = templates.get(body.getString("TemplateId"));
        if (params == null) {
            return "FailedOperation.TemplateIncorrectOrUnapproved";
        }
        JsonArray values = body.getJsonArray("TemplateParamSet", new JsonArray());
        if (values.size() != params
                || values.stream().anyMatch(v -> !(v instanceof String s) || s.isEmpty() || s.length() > 20)) {
            return "InvalidParameterValue.TemplateParameterFormatError";
        }
        JsonArray phones = body.getJsonArray("PhoneNumberSet", new JsonArray());
        if (phones.isEmpty()
                || phones.size() > 200
                || phones.stream().anyMatch(p -> !String.valueOf(p).matches("\\+861[3-9][0-9]{9}"))) {
            return "InvalidParameterValue.IncorrectPhoneNumber";
        }
        return null;
    }

    private static JsonObject error(String code, String message) {
        return new JsonObject()
                .put(
                        "Response",
                        new JsonObject()
                                .put("Error", new JsonObject().put("Code", code).put("Message", message))
                                .put("RequestId", "req-" + System.nanoTime()));
    }

    private static void answer(HttpExchange ex, JsonObject body, JsonObject response) throws IOException {
        byte[] out = response.encode().getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(200, out.length);
        ex.getResponseBody().write(out);
        ex.close();
    }

    private static byte[] sha256(byte[] b) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(b);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] hmac(byte[] key, String message) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(message.getBytes(StandardCharsets.UTF_8));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
