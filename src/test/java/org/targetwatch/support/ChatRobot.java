package org.targetwatch.support;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Real HTTP servers on loopback playing the chat robots of 企业微信, 钉钉 and 飞书 as their documentation describes
 * them: each checks the key or token, the signature (by the vendor's algorithm, written here independently of the
 * code under test), the message's form and byte limit and its messages per minute, and answers HTTP 200 with the
 * vendor's code in the body. Answers can be scripted (throttle, refuse) before requests arrive.
 */
public final class ChatRobot implements AutoCloseable {
    /** One request: its query, its body and the code answered (0 = accepted). */
    public record Received(String type, Map<String, String> query, JsonObject body, int code) {}

    public final List<Received> requests = new CopyOnWriteArrayList<>();
    private final HttpServer server;
    private final Supplier<Instant> now;
    private final Map<String, String> secrets = new HashMap<>();
    private final Map<String, Deque<Integer>> scripted = new HashMap<>();
    private final Map<String, Deque<Instant>> accepted = new HashMap<>();

    /**
     * @param now the robots' clock (the services check a signature's timestamp against theirs: within one hour)
     */
    public ChatRobot(Supplier<Instant> now) throws IOException {
        this.now = now;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/cgi-bin/webhook/send", ex -> handle(ex, "wecom"));
        server.createContext("/robot/send", ex -> handle(ex, "dingtalk"));
        server.createContext("/open-apis/bot/v2/hook/", ex -> handle(ex, "feishu"));
        server.start();
    }

    /** The robot of {@code type} with its key/token/hook id {@code credential} and signing secret (or null). */
    public String register(String type, String credential, String secret) {
        secrets.put(type + ":" + credential, secret == null ? "" : secret);
        String base = "http://127.0.0.1:" + server.getAddress().getPort();
        return switch (type) {
            case "wecom" -> base + "/cgi-bin/webhook/send?key=" + credential;
            case "dingtalk" -> base + "/robot/send?access_token=" + credential;
            case "feishu" -> base + "/open-apis/bot/v2/hook/" + credential;
            default -> throw new IllegalArgumentException(type);
        };
    }

    /** The next answers of {@code type}'s robot, before the checks (e.g. 130101: throttled). */
    public synchronized void script(String type, Integer... codes) {
        scripted.computeIfAbsent(type, k -> new ArrayDeque<>()).addAll(List.of(codes));
    }

    public List<Received> accepted(String type) {
        return requests.stream()
                .filter(r -> r.type().equals(type) && r.code() == 0)
                .toList();
    }

    public List<Received> of(String type) {
        return requests.stream().filter(r -> r.type().equals(type)).toList();
    }

    private void handle(HttpExchange ex, String type) throws IOException {
        byte[] raw = ex.getRequestBody().readAllBytes();
        Map<String, String> q = new HashMap<>();
        String query = ex.getRequestURI().getRawQuery();
        if (query != null) {
            for (String kv : query.split("&")) {
                String[] p = kv.split("=", 2);
                q.put(p[0], p.length > 1 ? URLDecoder.decode(p[1], StandardCharsets.UTF_8) : "");
            }
        }
        JsonObject body;
        try {
            body = new JsonObject(new String(raw, StandardCharsets.UTF_8));
        } catch (RuntimeException e) {
            body = new JsonObject();
        }
        int code;
        String message;
        synchronized (this) {
            Deque<Integer> s = scripted.get(type);
            Integer forced = s == null ? null : s.poll();
            if (forced != null) {
                code = forced;
                message = "scripted";
            } else {
                String[] verdict = check(type, ex.getRequestURI().getPath(), q, body, raw.length);
                code = Integer.parseInt(verdict[0]);
                message = verdict[1];
            }
        }
        requests.add(new Received(type, q, body, code));
        JsonObject answer = type.equals("feishu")
                ? new JsonObject().put("code", code).put("msg", message).put("data", new JsonObject())
                : new JsonObject().put("errcode", code).put("errmsg", message);
        byte[] out = answer.encode().getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.sendResponseHeaders(200, out.length);
        ex.getResponseBody().write(out);
        ex.close();
    }

    /** The vendor's checks, in the order its documentation gives them; {code, message}. */
    private String[] check(String type, String path, Map<String, String> q, JsonObject body, int bytes) {
        Instant t = now.get();
        switch (type) {
            case "wecom" -> {
                if (!secrets.containsKey("wecom:" + q.get("key"))) {
                    return new String[] {"93000", "invalid webhook url"};
                }
                if (!"markdown".equals(body.getString("msgtype"))
                        || body.getJsonObject("markdown") == null
                        || body.getJsonObject("markdown")
                                        .getString("content", "")
                                        .getBytes(StandardCharsets.UTF_8)
                                        .length
                                > 4096) {
                    return new String[] {"40058", "markdown.content exceed max length 4096"};
                }
                return rate("wecom", 20, t, new String[] {"45009", "api freq out of limit"});
            }
            case "dingtalk" -> {
                String secret = secrets.get("dingtalk:" + q.get("access_token"));
                if (secret == null) {
                    return new String[] {"300001", "token is not exist"};
                }
                long ts = Long.parseLong(q.getOrDefault("timestamp", "0"));
                String expected = base64(hmac(
                        secret.getBytes(StandardCharsets.UTF_8),
                        (ts + "\n" + secret).getBytes(StandardCharsets.UTF_8)));
                if (Math.abs(ts - t.toEpochMilli()) > Duration.ofHours(1).toMillis()
                        || !expected.equals(q.get("sign"))) {
                    return new String[] {"310000", "sign not match"};
                }
                if (!"markdown".equals(body.getString("msgtype")) || body.getJsonObject("markdown") == null) {
                    return new String[] {"40035", "缺少参数 markdown"};
                }
                return rate("dingtalk", 20, t, new String[] {"130101", "send too fast, exceed 20 times per minute"});
            }
            default -> {
                String hook = path.substring(path.lastIndexOf('/') + 1);
                String secret = secrets.get("feishu:" + hook);
                if (secret == null) {
                    return new String[] {"19001", "param invalid: incoming webhook access token invalid"};
                }
                if (!secret.isEmpty()) {
                    long ts = Long.parseLong(body.getString("timestamp", "0"));
                    String expected = base64(hmac((ts + "\n" + secret).getBytes(StandardCharsets.UTF_8), new byte[0]));
                    if (Math.abs(ts - t.getEpochSecond()) > 3600 || !expected.equals(body.getString("sign"))) {
                        return new String[] {
                            "19021", "sign match fail or timestamp is not within one hour from current time"
                        };
                    }
                }
                if (bytes > 20 * 1024) {
                    return new String[] {"9499", "request body too large"};
                }
                if (!"interactive".equals(body.getString("msg_type")) || body.getJsonObject("card") == null) {
                    return new String[] {"9499", "Bad Request"};
                }
                // Feishu: 100 per minute and 5 per second
                long lastSecond = accepted.getOrDefault("feishu", new ArrayDeque<>()).stream()
                        .filter(x -> x.isAfter(t.minusSeconds(1)))
                        .count();
                if (lastSecond >= 5) {
                    return new String[] {"11232", "frequency limited"};
                }
                return rate("feishu", 100, t, new String[] {"11232", "frequency limited"});
            }
        }
    }

    private String[] rate(String type, int perMinute, Instant t, String[] throttled) {
        Deque<Instant> times = accepted.computeIfAbsent(type, k -> new ArrayDeque<>());
        while (!times.isEmpty() && times.peekFirst().isBefore(t.minusSeconds(60))) {
            times.pollFirst();
        }
        if (times.size() >= perMinute) {
            return throttled;
        }
        times.addLast(t);
        return new String[] {"0", "ok"};
    }

    private static byte[] hmac(byte[] key, byte[] message) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(message);
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String base64(byte[] b) {
        return Base64.getEncoder().encodeToString(b);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
