package dev.portcullis.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.junit5.StartStop;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.WebSocketListener;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * WebSocket credentials: a bearer in Sec-WebSocket-Protocol ({@code portcullis.bearer.<token>}) opens the socket, is
 * stripped before the app and never echoed; tokens in query strings open nothing outside the launch endpoint. The app
 * is a MockWebServer that upgrades and echoes, so each test sees exactly what reached it.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ProxyWebSocketCredentialsTest {
    @StartStop
    final MockWebServer app = new MockWebServer();

    ProxyTestKit kit;

    @BeforeEach
    void start() throws Exception {
        kit = ProxyTestKit.start(app.getPort());
    }

    @AfterEach
    void stop() {
        kit.close();
    }

    @Test
    void tokenInTheSubprotocolOpensTheSocketAndNeverReachesTheAppNorComesBack() throws Exception {
        app.enqueue(upgrade().addHeader("Sec-WebSocket-Protocol", "chat.v2").build());
        Response handshake = open(kit.get("/s/sess-a/app/ws")
                .header("Sec-WebSocket-Protocol", "chat.v2, portcullis.bearer." + kit.accessToken()));

        assertThat(handshake.code()).isEqualTo(101);
        assertThat(handshake.header("Sec-WebSocket-Protocol")).isEqualTo("chat.v2");
        assertThat(handshake.headers().toString()).doesNotContain("portcullis.");
        RecordedRequest seen = app.takeRequest(5, TimeUnit.SECONDS);
        assertThat(seen.getHeaders().get("Sec-WebSocket-Protocol")).isEqualTo("chat.v2");
        assertThat(seen.getHeaders().toString()).doesNotContain("portcullis.").doesNotContain(kit.accessToken().substring(0, 40));
    }

    @Test
    void subprotocolTokenAloneLeavesTheAppNoSubprotocolHeader() throws Exception {
        app.enqueue(upgrade().build());
        Response handshake = open(kit.get("/s/sess-a/app/ws")
                .header("Sec-WebSocket-Protocol", "portcullis.bearer." + kit.accessToken()));
        assertThat(handshake.code()).isEqualTo(101);
        assertThat(handshake.header("Sec-WebSocket-Protocol")).isNull();
        assertThat(app.takeRequest(5, TimeUnit.SECONDS).getHeaders().get("Sec-WebSocket-Protocol")).isNull();
    }

    @Test
    void subprotocolTokenForAnotherSessionOrForgedIsRefusedBeforeAny101() throws Exception {
        assertThat(upgradeStatus("portcullis.bearer." + kit.accessToken(ProxyTestKit.OTHER_SESSION, ProxyTestKit.APP)))
                .isEqualTo(404);
        assertThat(upgradeStatus("chat.v2, portcullis.bearer.not-a-token")).isEqualTo(401);
        assertThat(upgradeStatus("chat.v2")).isEqualTo(401);
        // A launch token is not a bearer credential, wherever it is carried.
        assertThat(upgradeStatus("portcullis.bearer." + kit.launchToken())).isEqualTo(401);
        assertThat(app.getRequestCount()).isZero();
    }

    @Test
    void subprotocolTokenOnAPlainRequestIsNotACredential() throws Exception {
        try (Response r = kit.http.newCall(kit.get("/s/sess-a/app/")
                .header("Sec-WebSocket-Protocol", "portcullis.bearer." + kit.accessToken()).build()).execute()) {
            assertThat(r.code()).isEqualTo(401);
        }
        assertThat(app.getRequestCount()).isZero();
    }

    @Test
    void tokenInTheQueryStringOfAnAppPathOpensNothingAndIsTheAppsOwnQueryOtherwise() throws Exception {
        try (Response r = kit.http.newCall(kit.get("/s/sess-a/app/?token=" + kit.accessToken()).build()).execute()) {
            assertThat(r.code()).isEqualTo(401);
        }
        assertThat(upgradeStatus(null, "/s/sess-a/app/ws?token=" + kit.accessToken())).isEqualTo(401);
        assertThat(app.getRequestCount()).isZero();
        // Decision: the proxy never reads credentials from the query, and leaves the query to the app (an app such as
        // Jupyter has its own ?token=). With a real credential the request goes through unchanged.
        app.enqueue(new MockResponse.Builder().body("ok").build());
        try (Response r = kit.http.newCall(kit.authorized("/s/sess-a/app/?token=apps-own").build()).execute()) {
            assertThat(r.code()).isEqualTo(200);
        }
        assertThat(app.takeRequest(5, TimeUnit.SECONDS).getTarget()).isEqualTo("/s/sess-a/app/?token=apps-own");
    }

    private int upgradeStatus(String subprotocols) throws Exception {
        return upgradeStatus(subprotocols, "/s/sess-a/app/ws");
    }

    /** A raw upgrade request through OkHttp's plain call API, so a refusal's status is visible. */
    private int upgradeStatus(String subprotocols, String path) throws Exception {
        Request.Builder b = kit.get(path)
                .header("Connection", "Upgrade").header("Upgrade", "websocket")
                .header("Sec-WebSocket-Version", "13").header("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==");
        if (subprotocols != null) {
            b.header("Sec-WebSocket-Protocol", subprotocols);
        }
        try (Response r = kit.http.newCall(b.build()).execute()) {
            return r.code();
        }
    }

    /** The app accepts the upgrade (ProxyStreamingTest covers echoing through the tunnel with the SampleApp). */
    private static MockResponse.Builder upgrade() {
        return new MockResponse.Builder().webSocketUpgrade(new WebSocketListener() {});
    }

    private Response open(Request.Builder request) throws Exception {
        return kit.openWebSocket(request.build());
    }
}
