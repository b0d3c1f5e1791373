package org.targetwatch.support;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * A test class with one real server (embedded PostgreSQL, the real rules) for all its tests, and an officer's and a
 * risk office's token. A subclass's own {@code @BeforeAll} runs after this one's, so it can register its subjects.
 */
public abstract class ServerTest {
    protected static TestServer server;
    protected static String officer;
    protected static String risk;

    @BeforeAll
    static void startServer() {
        server = new TestServer();
        officer = server.token("officer");
        risk = server.token("risk-office");
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }
}
