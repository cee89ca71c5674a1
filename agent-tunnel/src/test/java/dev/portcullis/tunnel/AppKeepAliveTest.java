package dev.portcullis.tunnel;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http2.Http2Headers;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okio.Buffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** The agent's keep-alive connections to apps: what is reused, what never is, and a pooled connection the app closed. */
@Timeout(30)
@ExtendWith(LeakCheckExtension.class)
class AppKeepAliveTest {
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

    private RecordingStreamListener send(String method, String path) throws Exception {
        Http2Headers h = TunnelHeaders.request(method, path, "https", "s1-lab.apps.example", "s1", "lab", app.getPort(), null);
        RecordingStreamListener l = RecordingStreamListener.open(kit.tunnel(), h, true);
        l.ended().get(10, TimeUnit.SECONDS);
        return l;
    }

    private RecordedRequest taken() throws InterruptedException {
        return app.takeRequest(5, TimeUnit.SECONDS);
    }

    @Test
    void sequentialRequestsReuseOneAppConnection() throws Exception {
        app.enqueue(new MockResponse.Builder().body("fixed length").build());
        app.enqueue(new MockResponse.Builder().chunkedBody("chunked body", 4).build());
        app.enqueue(new MockResponse.Builder().code(204).build());
        app.enqueue(new MockResponse.Builder().body("last").build());

        assertThat(send("GET", "/a").bodyText()).isEqualTo("fixed length");
        assertThat(send("GET", "/b").bodyText()).isEqualTo("chunked body");
        assertThat(send("DELETE", "/c").headers().get().status().toString()).isEqualTo("204");
        assertThat(send("GET", "/d").bodyText()).isEqualTo("last");

        for (int i = 0; i < 4; i++) {
            RecordedRequest r = taken();
            assertThat(r.getConnectionIndex()).as("connection of request %d", i).isZero();
            assertThat(r.getExchangeIndex()).isEqualTo(i);
        }
    }

    @Test
    void connectionCloseFromTheAppIsNotReused() throws Exception {
        app.enqueue(new MockResponse.Builder().addHeader("Connection", "close").body("bye").build());
        app.enqueue(new MockResponse.Builder().body("again").build());

        assertThat(send("GET", "/a").bodyText()).isEqualTo("bye");
        assertThat(send("GET", "/b").bodyText()).isEqualTo("again");

        assertThat(taken().getConnectionIndex()).isZero();
        assertThat(taken().getConnectionIndex()).isEqualTo(1);
    }

    @Test
    void responseCutMidBodyByTheProxyIsNeverReused() throws Exception {
        Buffer big = new Buffer().write(new byte[1 << 20]);
        app.enqueue(new MockResponse.Builder().body(big).throttleBody(4096, 50, TimeUnit.MILLISECONDS).build());
        app.enqueue(new MockResponse.Builder().body("fresh").build());

        Http2Headers h = TunnelHeaders.request("GET", "/big", "https", "s1-lab.apps.example", "s1", "lab", app.getPort(), null);
        RecordingStreamListener cut = RecordingStreamListener.open(kit.tunnel(), h, true);
        cut.firstData().get(10, TimeUnit.SECONDS);
        cut.stream().reset(TunnelErrorCode.CANCEL); // the client went away mid-body

        RecordingStreamListener next = send("GET", "/next");
        assertThat(next.bodyText()).isEqualTo("fresh");
        assertThat(next.resetCount()).isZero();
        assertThat(taken().getConnectionIndex()).isZero();
        assertThat(taken().getConnectionIndex()).isEqualTo(1);
    }

    /**
     * Connection 1 answers one request ("first", kept alive) and closes as soon as the next request head arrives,
     * without a byte of response; every later connection answers "second" to each request. Counts connections.
     */
    private static final class ClosingAfterOneApp implements AutoCloseable {
        final ServerSocket server = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
        final ExecutorService threads = Executors.newCachedThreadPool();
        final AtomicInteger accepted = new AtomicInteger();
        final List<String> heads = new CopyOnWriteArrayList<>();

        ClosingAfterOneApp() throws IOException {
            threads.execute(this::acceptLoop);
        }

        private void acceptLoop() {
            while (!server.isClosed()) {
                try {
                    Socket s = server.accept();
                    int n = accepted.incrementAndGet();
                    threads.execute(() -> serve(s, n));
                } catch (IOException e) {
                    return;
                }
            }
        }

        private void serve(Socket s, int n) {
            try (s) {
                OutputStream out = s.getOutputStream();
                while (true) {
                    heads.add(RawApp.readHead(s.getInputStream()));
                    if (n == 1 && heads.size() > 1) {
                        return; // close on the second request, unanswered
                    }
                    String body = n == 1 ? "first" : "second";
                    out.write(RawApp.ascii("HTTP/1.1 200 OK\r\nContent-Length: " + body.length() + "\r\n\r\n" + body));
                    out.flush();
                }
            } catch (IOException e) {
                // the agent closed the connection
            }
        }

        @Override
        public void close() throws IOException {
            server.close();
            threads.shutdownNow();
        }
    }

    private RecordingStreamListener sendTo(int port, String method, String body) throws Exception {
        Http2Headers h = TunnelHeaders.request(method, "/x", "https", "s1-lab.apps.example", "s1", "lab", port, null);
        RecordingStreamListener l = new RecordingStreamListener();
        TunnelStream s = kit.tunnel().openStream(h, body == null, l).get(10, TimeUnit.SECONDS);
        l.attach(s);
        if (body != null) {
            s.write(Unpooled.copiedBuffer(body, StandardCharsets.UTF_8), true);
        }
        return l;
    }

    @Test
    void getOnAPooledConnectionTheAppClosedIsSentAgainOnANewOne() throws Exception {
        try (ClosingAfterOneApp raw = new ClosingAfterOneApp()) {
            kit.apps().put("s1", "lab", raw.server.getLocalPort());
            RecordingStreamListener first = sendTo(raw.server.getLocalPort(), "GET", null);
            first.ended().get(10, TimeUnit.SECONDS);
            assertThat(first.bodyText()).isEqualTo("first");

            RecordingStreamListener second = sendTo(raw.server.getLocalPort(), "GET", null);
            second.ended().get(10, TimeUnit.SECONDS);

            assertThat(second.headers().get().status().toString()).isEqualTo("200");
            assertThat(second.bodyText()).isEqualTo("second");
            assertThat(second.resetCount()).isZero();
            assertThat(raw.accepted.get()).isEqualTo(2);
            assertThat(raw.heads).hasSize(3); // first, second on the pooled connection (dropped), second again
        }
    }

    @Test
    void postOnAPooledConnectionTheAppClosedIsResetNotResent() throws Exception {
        try (ClosingAfterOneApp raw = new ClosingAfterOneApp()) {
            kit.apps().put("s1", "lab", raw.server.getLocalPort());
            RecordingStreamListener first = sendTo(raw.server.getLocalPort(), "GET", null);
            first.ended().get(10, TimeUnit.SECONDS);

            RecordingStreamListener post = sendTo(raw.server.getLocalPort(), "POST", "order=1");

            assertThat(post.reset().get(10, TimeUnit.SECONDS)).isEqualTo(TunnelErrorCode.CANCEL);
            assertThat(post.headers()).isNotDone();
            assertThat(raw.accepted.get()).isEqualTo(1); // never sent again
            assertThat(raw.heads).hasSize(2);
        }
    }
}
