package org.targetwatch.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.targetwatch.support.TestServer;

/**
 * Slowloris and connection hoarding over real TCP: half-sent headers and bodies are cut off after the request
 * timeout, a client address holds at most maxConnectionsPerClient connections, and the server keeps serving.
 */
class SlowClientTest {
    private static TestServer server;

    @BeforeAll
    static void start() {
        server = new TestServer(
                Map.of("TARGETWATCH_REQUEST_TIMEOUT_SECONDS", "2", "TARGETWATCH_MAX_CONNECTIONS_PER_CLIENT", "70"));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static Socket open(String sent) throws IOException {
        Socket s = new Socket("127.0.0.1", server.port());
        s.setSoTimeout(8000);
        OutputStream out = s.getOutputStream();
        out.write(sent.getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return s;
    }

    /** True if the server closed the connection (end of stream or reset) before the read timeout. */
    private static boolean closedByServer(Socket s) throws IOException {
        InputStream in = s.getInputStream();
        try {
            while (true) {
                if (in.read() < 0) {
                    return true;
                }
            }
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true; // reset
        }
    }

    @Test
    void halfSentRequestsAreCutOffAndTheServerKeepsServing() throws Exception {
        List<Socket> slow = new ArrayList<>();
        try {
            for (int i = 0; i < 60; i++) {
                slow.add(
                        i % 2 == 0
                                ? open("POST /api/v1/readings HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ")
                                : open("POST /api/v1/readings HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                                        + "Content-Length: 1000\r\n\r\n{\"indicator\":"));
            }
            long t0 = System.nanoTime();
            // while they hang, others are served
            assertThat(server.get("/health/live", null).status()).isEqualTo(200);
            for (Socket s : slow) {
                assertThat(closedByServer(s)).isTrue();
            }
            long seconds = (System.nanoTime() - t0) / 1_000_000_000L;
            assertThat(seconds).as("cut off after the 2 s request timeout").isLessThan(7);
        } finally {
            for (Socket s : slow) {
                s.close();
            }
        }
        assertThat(server.get("/health/live", null).status()).isEqualTo(200);
    }

    @Test
    void aClientAddressHoldsAtMostTheConfiguredConnections() throws Exception {
        List<Socket> held = new ArrayList<>();
        try {
            for (int i = 0; i < 70; i++) {
                held.add(open(""));
            }
            Thread.sleep(300);
            Socket extra = open("");
            assertThat(closedByServer(extra))
                    .as("the 71st connection is closed at once")
                    .isTrue();
            extra.close();
        } finally {
            for (Socket s : held) {
                s.close();
            }
        }
        Thread.sleep(300);
        assertThat(server.get("/health/live", null).status()).isEqualTo(200);
    }

    @Test
    void aKeepAliveConnectionMustSendItsNextRequestInTime() throws Exception {
        try (Socket s = open("GET /health/live HTTP/1.1\r\nHost: x\r\n\r\n")) {
            byte[] buf = new byte[4096];
            int n = s.getInputStream().read(buf);
            assertThat(new String(buf, 0, n, StandardCharsets.US_ASCII)).startsWith("HTTP/1.1 200");
            s.getOutputStream().write("GET /health/live HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(closedByServer(s)).isTrue();
        }
    }
}
