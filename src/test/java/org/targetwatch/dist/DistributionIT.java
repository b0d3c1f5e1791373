package org.targetwatch.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The distribution archive as an IT office uses it (issue 19), run by failsafe after {@code mvn package}: the
 * archive built by the build is unpacked, holds the launcher, jar, rules, config, docs, systemd unit and Kubernetes
 * sample, and {@code bin/targetwatch} starts the server from it as a non-root service user (when the test runs as
 * root, a system user is created for it, as the unit file's instructions do), with the embedded PostgreSQL under
 * that user: ready, answering, stopped by SIGTERM. A bad setting exits with code 2 before anything starts.
 */
class DistributionIT {
    private static final String USER = "targetwatch-it";
    private static Path home;
    private static boolean root;

    @BeforeAll
    static void unpack() throws Exception {
        List<Path> archives;
        try (Stream<Path> s = Files.list(Path.of("target"))) {
            archives = s.filter(p -> p.getFileName().toString().matches("targetwatch-.+\\.tar\\.gz"))
                    .toList();
        }
        assertThat(archives)
                .as("mvn package builds target/targetwatch-<version>.tar.gz")
                .hasSize(1);
        Path dir = Files.createTempDirectory("targetwatch-dist");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        run(List.of("tar", "-xzf", archives.get(0).toAbsolutePath().toString(), "-C", dir.toString()));
        try (Stream<Path> s = Files.list(dir)) {
            home = s.findFirst().orElseThrow();
        }
        root = "0".equals(run(List.of("id", "-u")).strip());
        if (root) {
            if (!run(List.of("sh", "-c", "id -u " + USER + " 2>/dev/null || true"))
                    .matches("(?s)\\d+\\s*")) {
                run(List.of("useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", USER));
            }
            run(List.of("chown", "-R", USER + ":", home.toString()));
        }
    }

    @AfterAll
    static void cleanUp() throws Exception {
        if (home != null) {
            run(List.of("rm", "-rf", home.getParent().toString()));
        }
    }

    private static String run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(command + ": " + out).isZero();
        return out;
    }

    /** bin/targetwatch with these arguments and settings, as the service user when the test runs as root. */
    private static Process launch(Map<String, String> env, String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        if (root) {
            cmd.addAll(List.of("runuser", "-u", USER, "--"));
        }
        cmd.add("env");
        cmd.add("JAVA_HOME=" + System.getProperty("java.home"));
        env.forEach((k, v) -> cmd.add(k + "=" + v));
        cmd.add(home.resolve("bin/targetwatch").toString());
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd)
                .directory(Path.of("/").toFile())
                .redirectErrorStream(true)
                .redirectOutput(home.getParent().resolve("server.log").toFile())
                .start();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    void theArchiveHoldsWhatAnInstallNeeds() throws Exception {
        assertThat(Files.isExecutable(home.resolve("bin/targetwatch"))).isTrue();
        assertThat(home.resolve("lib/targetwatch.jar")).isRegularFile();
        assertThat(home.resolve("rules/air.drl")).isRegularFile();
        assertThat(home.resolve("rules/thresholds.json")).isRegularFile();
        assertThat(home.resolve("config/routing.json")).isRegularFile();
        assertThat(home.resolve("config/templates/wecom.mustache")).isRegularFile();
        assertThat(home.resolve("docs/install.md")).isRegularFile();
        assertThat(home.resolve("README.md")).isRegularFile();
        assertThat(Files.readString(home.resolve("deploy/systemd/targetwatch.service")))
                .contains("Restart=on-failure")
                .contains("User=targetwatch")
                .contains("LimitNOFILE=")
                .contains("ExecStart=/opt/targetwatch/bin/targetwatch");
        assertThat(Files.readString(home.resolve("deploy/kubernetes/targetwatch.yaml")))
                .contains("kind: Deployment")
                .contains("path: /health/ready")
                .contains("path: /health/live")
                .contains("configMap: {name: targetwatch-rules}")
                .contains("secret: {secretName: targetwatch-secrets")
                .contains("runAsNonRoot: true");
    }

    @Test
    void theLauncherStartsTheServerAsTheServiceUserAndSigtermStopsIt() throws Exception {
        int port = freePort();
        Path token = home.resolve("admin-token");
        Files.writeString(token, "dist-admin-token-0123456789\n");
        if (root) {
            run(List.of("chown", USER + ":", token.toString()));
        }
        Files.setPosixFilePermissions(token, PosixFilePermissions.fromString("r--------"));
        Process p = launch(Map.of(
                "TARGETWATCH_HTTP_HOST",
                "127.0.0.1",
                "TARGETWATCH_HTTP_PORT",
                Integer.toString(port),
                "TARGETWATCH_HJ212_PORT",
                "-1",
                "TARGETWATCH_ADMIN_TOKEN_FILE",
                token.toString(),
                "TARGETWATCH_LOG_OUTPUT",
                "file",
                "TARGETWATCH_LOG_FORMAT",
                "json"));
        try {
            HttpClient http = HttpClient.newHttpClient();
            Instant deadline = Instant.now().plus(Duration.ofSeconds(120));
            int ready = -1;
            while (Instant.now().isBefore(deadline) && p.isAlive()) {
                try {
                    ready = http.send(
                                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health/ready"))
                                            .build(),
                                    HttpResponse.BodyHandlers.discarding())
                            .statusCode();
                    if (ready == 200) {
                        break;
                    }
                } catch (IOException e) {
                    // not listening yet
                }
                Thread.sleep(250);
            }
            Path logFile = home.resolve("data/logs/targetwatch.json");
            String log = Files.exists(logFile) ? Files.readString(logFile) : "";
            assertThat(ready)
                    .as("ready within 120 s; log:\n" + log
                            + Files.readString(home.getParent().resolve("server.log")))
                    .isEqualTo(200);
            // TARGETWATCH_LOG_OUTPUT=file, TARGETWATCH_LOG_FORMAT=json: one JSON object per line under data/logs
            assertThat(logFile)
                    .as("the log file; standard output:\n"
                            + Files.readString(home.getParent().resolve("server.log")))
                    .exists();
            List<String> lines = Files.readAllLines(logFile);
            assertThat(lines).isNotEmpty();
            for (String line : lines) {
                assertThat(new io.vertx.core.json.JsonObject(line).getString("level"))
                        .isNotBlank();
            }
            assertThat(lines.stream().map(l -> new io.vertx.core.json.JsonObject(l).getString("formattedMessage")))
                    .contains("TargetWatch listening on http://127.0.0.1:" + port);
            HttpResponse<String> who = http.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/whoami"))
                            .header("Authorization", "Bearer dist-admin-token-0123456789")
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(who.statusCode()).as(who.body()).isEqualTo(200);
            assertThat(who.body()).contains("admin");

            // the server and its PostgreSQL run as the service user, with the data under the installation
            long uid = Long.parseLong(run(List.of("id", "-u", root ? USER : System.getProperty("user.name")))
                    .strip());
            List<Long> javaPids = pids(home.resolve("lib/targetwatch.jar").toString());
            List<Long> postgresPids = pids(home.resolve("data").toString());
            assertThat(javaPids).hasSize(1);
            assertThat(postgresPids).as("the embedded postgres processes").isNotEmpty();
            for (long pid : concat(javaPids, postgresPids)) {
                assertThat(uidOf(pid)).as("uid of process " + pid).isEqualTo(uid);
            }
            if (root) {
                assertThat(uid).isNotZero();
            }
            assertThat(home.resolve("data/postgres/PG_VERSION")).isRegularFile();

            run(List.of("kill", "-TERM", Long.toString(javaPids.get(0))));
            assertThat(p.waitFor(60, TimeUnit.SECONDS))
                    .as("stopped after SIGTERM")
                    .isTrue();
            assertThat(p.exitValue()).isIn(0, 143);
            Thread.sleep(500);
            assertThat(pids(home.resolve("data").toString()))
                    .as("PostgreSQL stopped with it")
                    .isEmpty();
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void aBadSettingExitsWithCodeTwoAndTheVersionIsPrinted() throws Exception {
        Process bad = launch(Map.of("TARGETWATCH_HTTP_PORT", "not-a-port"));
        assertThat(bad.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(bad.exitValue()).isEqualTo(2);
        assertThat(Files.readString(home.getParent().resolve("server.log"))).contains("TARGETWATCH_HTTP_PORT");

        Process version = launch(Map.of(), "--version");
        assertThat(version.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(version.exitValue()).isZero();
        assertThat(Files.readString(home.getParent().resolve("server.log"))).containsPattern("\\d+\\.\\d+\\.\\d+");
    }

    private static List<Long> concat(List<Long> a, List<Long> b) {
        List<Long> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    /** Processes whose command line contains {@code fragment}. */
    private static List<Long> pids(String fragment) throws IOException {
        List<Long> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(Path.of("/proc"))) {
            for (Path p :
                    s.filter(x -> x.getFileName().toString().matches("\\d+")).toList()) {
                try {
                    String cmd = new String(Files.readAllBytes(p.resolve("cmdline")), StandardCharsets.UTF_8)
                            .replace('\0', ' ');
                    if (cmd.contains(fragment) && !cmd.startsWith("runuser") && !cmd.startsWith("env ")) {
                        out.add(Long.parseLong(p.getFileName().toString()));
                    }
                } catch (IOException e) {
                    // gone meanwhile
                }
            }
        }
        return out;
    }

    private static long uidOf(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("Uid:")) {
                return Long.parseLong(line.split("\\s+")[1]);
            }
        }
        throw new IllegalStateException("no Uid for " + pid);
    }
}
