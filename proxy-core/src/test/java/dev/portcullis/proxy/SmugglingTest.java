package dev.portcullis.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import mockwebserver3.MockWebServer;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * SECURITY row 33 (HTTP/1.1 desync at the edge): each request-smuggling shape, written byte for byte on a plain
 * socket with a VALID token, must get a 400 and a closed connection, and the smuggled second request (for another
 * session) must never reach an app. The echo app would answer anything that got through.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SmugglingTest {
    @StartStop
    final MockWebServer app = new MockWebServer();

    ProxyTestKit kit;

    @BeforeEach
    void start() throws Exception {
        app.setDispatcher(new EchoDispatcher());
        kit = ProxyTestKit.start(app.getPort());
    }

    @AfterEach
    void stop() {
        if (kit != null) {
            kit.close();
        }
    }

    /** {@code {auth}} becomes a valid bearer header line for session A. */
    static Stream<Arguments> desyncShapes() {
        String smuggled = "GET /s/sess-b/app/ HTTP/1.1\r\nHost: x\r\n\r\n";
        return Stream.of(
                Arguments.of("CL + TE: chunked", "POST /s/sess-a/app/ HTTP/1.1\r\nHost: x\r\n{auth}Content-Length: 5\r\n"
                        + "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n" + smuggled),
                Arguments.of("TE: xchunked", "POST /s/sess-a/app/ HTTP/1.1\r\nHost: x\r\n{auth}Transfer-Encoding: xchunked\r\n\r\n"
                        + "0\r\n\r\n" + smuggled),
                Arguments.of("TE: chunked, identity", "POST /s/sess-a/app/ HTTP/1.1\r\nHost: x\r\n{auth}"
                        + "Transfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\n" + smuggled),
                Arguments.of("two TE headers", "POST /s/sess-a/app/ HTTP/1.1\r\nHost: x\r\n{auth}Transfer-Encoding: chunked\r\n"
                        + "Transfer-Encoding: x\r\n\r\n0\r\n\r\n" + smuggled),
                Arguments.of("TE with leading space value", "POST /s/sess-a/app/ HTTP/1.1\r\nHost: x\r\n{auth}"
                        + "Transfer-Encoding:\tchunked\r\nContent-Length: 3\r\n\r\n0\r\n\r\n" + smuggled),
                Arguments.of("two different Content-Length", "POST /s/sess-a/app/ HTTP/1.1\r\nHost: x\r\n{auth}Content-Length: 0\r\n"
                        + "Content-Length: 44\r\n\r\n" + smuggled),
                Arguments.of("Content-Length list", "POST /s/sess-a/app/ HTTP/1.1\r\nHost: x\r\n{auth}Content-Length: 0, 44\r\n\r\n"
                        + smuggled),
                Arguments.of("Content-Length +sign", "POST /s/sess-a/app/ HTTP/1.1\r\nHost: x\r\n{auth}Content-Length: +0\r\n\r\n"
                        + smuggled),
                Arguments.of("leading-space first header", "GET /s/sess-a/app/ HTTP/1.1\r\n Host: x\r\n{auth}\r\n"),
                Arguments.of("space before colon", "GET /s/sess-a/app/ HTTP/1.1\r\nHost: x\r\n{auth}Transfer-Encoding : chunked\r\n\r\n"),
                Arguments.of("bare LF line ends", "GET /s/sess-a/app/ HTTP/1.1\nHost: x\n{authLF}\n"),
                Arguments.of("NUL before the method", "\0GET /s/sess-a/app/ HTTP/1.1\r\nHost: x\r\n{auth}\r\n"),
                Arguments.of("NUL in a header value", "GET /s/sess-a/app/ HTTP/1.1\r\nHost: x\r\n{auth}X-A: a\0b\r\n\r\n"),
                Arguments.of("CR in a header value", "GET /s/sess-a/app/ HTTP/1.1\r\nHost: x\r\n{auth}X-A: a\rX-B: b\r\n\r\n"),
                Arguments.of("HTTP/1.0 TE + CL", "POST /s/sess-a/app/ HTTP/1.0\r\nHost: x\r\n{auth}Transfer-Encoding: chunked\r\n"
                        + "Content-Length: 5\r\n\r\n0\r\n\r\n" + smuggled),
                Arguments.of("HTTP/1.0 TE", "POST /s/sess-a/app/ HTTP/1.0\r\nHost: x\r\n{auth}Transfer-Encoding: chunked\r\n\r\n"
                        + "0\r\n\r\n" + smuggled),
                Arguments.of("HTTP/0.9-style request line", "GET /s/sess-a/app/\r\n\r\n"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("desyncShapes")
    void desyncShapeGets400AndCloseAndNothingReachesAnApp(String name, String template) throws Exception {
        String auth = "Authorization: Bearer " + kit.accessToken();
        String request = template.replace("{auth}", auth + "\r\n").replace("{authLF}", auth + "\n");
        RawHttp.Reply reply = RawHttp.exchange(kit.proxy.publicAddress(), request, 5_000);
        assertThat(reply.status()).as("%s -> %s", name, reply.statusLine()).isEqualTo(400);
        assertThat(reply.responses()).as("only one response: no smuggled second request").isEqualTo(1);
        assertThat(reply.closed()).as("connection closed after a framing error").isTrue();
        assertThat(app.getRequestCount()).as("requests that reached the app").isZero();
    }

    /**
     * Shapes HTTP allows a recipient to repair, which Undertow repairs rather than refuses: obs-fold becomes one SP
     * (RFC 9112 §5.2), HTTP/1.2 is processed as HTTP/1.1 (RFC 9110 §2.5), and a bare LF inside a chunk extension is
     * tolerated by Undertow's chunk parser. None can desync anything: the proxy re-frames every body into HTTP/2 DATA
     * frames and the agent writes a fresh HTTP/1.1 message, so no second parser ever reads the client's framing.
     * What must hold: exactly one request reaches the app, for session A, and the smuggled one for B never does.
     */
    static Stream<Arguments> repairedShapes() {
        String smuggled = "GET /s/sess-b/app/ HTTP/1.1\r\nHost: x\r\n\r\n";
        return Stream.of(
                Arguments.of("obs-fold", "GET /s/sess-a/app/ HTTP/1.1\r\nHost: x\r\n{auth}X-A: a\r\n b\r\nConnection: close\r\n\r\n"),
                Arguments.of("HTTP/1.2", "GET /s/sess-a/app/ HTTP/1.2\r\nHost: x\r\n{auth}Connection: close\r\n\r\n"),
                Arguments.of("bare LF in chunk extension", "POST /s/sess-a/app/ HTTP/1.1\r\nHost: x\r\n{auth}"
                        + "Transfer-Encoding: chunked\r\n\r\n1;a\nx\r\n0\r\n\r\n" + smuggled));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("repairedShapes")
    void repairedShapeReachesTheAppAsOneCleanRequestAndNeverSmugglesASecond(String name, String template) throws Exception {
        String request = template.replace("{auth}", "Authorization: Bearer " + kit.accessToken() + "\r\n");
        RawHttp.Reply reply = RawHttp.exchange(kit.proxy.publicAddress(), request, 3_000);
        assertThat(reply.status()).as("%s -> %s", name, reply.statusLine()).isIn(200, 400);
        assertThat(app.getRequestCount()).as("requests that reached the app").isLessThanOrEqualTo(1);
        if (app.getRequestCount() == 1) {
            var seen = app.takeRequest(5, TimeUnit.SECONDS);
            assertThat(seen.getTarget()).isEqualTo("/s/sess-a/app/");
            assertThat(seen.getVersion()).isEqualTo("HTTP/1.1");
            if (name.equals("obs-fold")) {
                assertThat(seen.getHeaders().values("X-A")).containsExactly("a b");
            }
        }
        assertThat(reply.text()).doesNotContain("sess-b");
    }
}
