package dev.portcullis.tunnel;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http2.Http2Headers;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
@org.junit.jupiter.api.extension.ExtendWith(LeakCheckExtension.class)
class TunnelHttpTest {
    private TunnelTestKit kit;
    private MockWebServer app;

    @BeforeEach
    void setUp() throws Exception {
        kit = TunnelTestKit.start();
        app = new MockWebServer();
        app.start(InetAddress.getByName("127.0.0.1"), 0);
        kit.apps().put("s1", "lab", app.getPort());
    }

    @AfterEach
    void tearDown() {
        app.close();
        kit.close();
    }

    private Http2Headers request(String method, String path) {
        return TunnelHeaders.request(method, path, "https", "s1-lab.apps.example", "s1", "lab", app.getPort(), null);
    }

    @Test
    void getReachesTheAppAndTheResponseComesBack() throws Exception {
        app.enqueue(new MockResponse.Builder().code(200).addHeader("x-app", "yes").addHeader("Connection", "x-drop")
                .addHeader("x-drop", "secret").addHeader("portcullis-error", "spoofed").body("hello from app").build());
        Http2Headers h = request("GET", "/lab/tree?x=1");
        h.add("accept", "text/html");
        h.add("cookie", "a=1");
        h.add("cookie", "b=2");

        RecordingStreamListener l = RecordingStreamListener.open(kit.tunnel(), h, true);
        l.ended().get(10, TimeUnit.SECONDS);

        Http2Headers res = l.headers().get();
        assertThat(res.status().toString()).isEqualTo("200");
        assertThat(res.get("x-app").toString()).isEqualTo("yes");
        assertThat(res.get("x-drop")).isNull();
        assertThat(res.get("connection")).isNull();
        assertThat(res.get(TunnelHeaders.ERROR)).isNull();
        assertThat(l.bodyText()).isEqualTo("hello from app");
        assertThat(l.resetCount()).isZero();

        RecordedRequest r = app.takeRequest(5, TimeUnit.SECONDS);
        assertThat(r.getMethod()).isEqualTo("GET");
        assertThat(r.getTarget()).isEqualTo("/lab/tree?x=1");
        assertThat(r.getHeaders().get("Host")).isEqualTo("s1-lab.apps.example");
        assertThat(r.getHeaders().get("accept")).isEqualTo("text/html");
        assertThat(r.getHeaders().get("cookie")).isEqualTo("a=1; b=2");
        assertThat(r.getHeaders().names()).noneMatch(n -> n.startsWith("portcullis-"));
    }

    @Test
    void postBodyWithoutContentLengthReachesTheAppChunked() throws Exception {
        app.enqueue(new MockResponse.Builder().code(201).body("created").build());
        RecordingStreamListener l = new RecordingStreamListener();
        TunnelStream s = kit.tunnel().openStream(request("POST", "/api/items"), false, l).get(10, TimeUnit.SECONDS);
        l.attach(s);
        s.write(Unpooled.copiedBuffer("part one,", StandardCharsets.UTF_8), false);
        s.write(Unpooled.copiedBuffer("part two", StandardCharsets.UTF_8), true);
        l.ended().get(10, TimeUnit.SECONDS);

        assertThat(l.headers().get().status().toString()).isEqualTo("201");
        assertThat(l.bodyText()).isEqualTo("created");
        RecordedRequest r = app.takeRequest(5, TimeUnit.SECONDS);
        assertThat(r.getMethod()).isEqualTo("POST");
        assertThat(r.getBody().utf8()).isEqualTo("part one,part two");
        assertThat(r.getHeaders().get("transfer-encoding")).isEqualTo("chunked");
    }

    @Test
    void postBodyWithContentLengthReachesTheAppVerbatim() throws Exception {
        app.enqueue(new MockResponse.Builder().code(200).body("ok").build());
        Http2Headers h = request("POST", "/api/items");
        h.set("content-length", "11");
        h.set("content-type", "text/plain");
        RecordingStreamListener l = new RecordingStreamListener();
        TunnelStream s = kit.tunnel().openStream(h, false, l).get(10, TimeUnit.SECONDS);
        l.attach(s);
        s.write(Unpooled.copiedBuffer("hello world", StandardCharsets.UTF_8), true);
        l.ended().get(10, TimeUnit.SECONDS);

        RecordedRequest r = app.takeRequest(5, TimeUnit.SECONDS);
        assertThat(r.getBody().utf8()).isEqualTo("hello world");
        assertThat(r.getHeaders().get("content-length")).isEqualTo("11");
        assertThat(r.getHeaders().get("content-type")).isEqualTo("text/plain");
        assertThat(r.getHeaders().get("transfer-encoding")).isNull();
    }

    @Test
    void targetNotInAppTableIsRefusedWith502AndTheAppSeesNothing() throws Exception {
        Http2Headers h = TunnelHeaders.request("GET", "/", "https", "s2-lab", "s2", "lab", app.getPort(), null);
        RecordingStreamListener l = RecordingStreamListener.open(kit.tunnel(), h, true);
        l.ended().get(10, TimeUnit.SECONDS);

        assertThat(l.headers().get().status().toString()).isEqualTo("502");
        assertThat(l.headers().get().get(TunnelHeaders.ERROR).toString()).isEqualTo("target-refused");
        assertThat(kit.client().refusedTargets()).isEqualTo(1);
        assertThat(app.getRequestCount()).isZero();
    }

    @Test
    void registeredAppOnAnotherPortIsRefused() throws Exception {
        Http2Headers h = TunnelHeaders.request("GET", "/", "https", "s1-lab", "s1", "lab", app.getPort() + 1, null);
        RecordingStreamListener l = RecordingStreamListener.open(kit.tunnel(), h, true);
        l.ended().get(10, TimeUnit.SECONDS);

        assertThat(l.headers().get().get(TunnelHeaders.ERROR).toString()).isEqualTo("target-refused");
        assertThat(app.getRequestCount()).isZero();
    }

    @Test
    void closedAppPortAnswers502ConnectRefused() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            closedPort = s.getLocalPort();
        }
        kit.apps().put("s1", "dead", closedPort);
        Http2Headers h = TunnelHeaders.request("GET", "/", "https", "s1-dead", "s1", "dead", closedPort, null);
        RecordingStreamListener l = RecordingStreamListener.open(kit.tunnel(), h, true);
        l.ended().get(10, TimeUnit.SECONDS);

        assertThat(l.headers().get().status().toString()).isEqualTo("502");
        assertThat(l.headers().get().get(TunnelHeaders.ERROR).toString()).isEqualTo("connect-refused");
    }

    @Test
    void pathWithControlCharactersIsResetAsProtocolError() throws Exception {
        Http2Headers h = request("GET", "/a b");
        RecordingStreamListener l = RecordingStreamListener.open(kit.tunnel(), h, true);
        assertThat(l.reset().get(10, TimeUnit.SECONDS)).isEqualTo(TunnelErrorCode.PROTOCOL_ERROR);
        assertThat(app.getRequestCount()).isZero();
    }
}
