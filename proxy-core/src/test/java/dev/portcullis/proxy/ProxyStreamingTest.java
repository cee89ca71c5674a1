package dev.portcullis.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.proxy.demo.SampleApp;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetric;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import io.netty.buffer.PooledByteBufAllocator;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.WebSocket;
import okhttp3.WebSocketListener;
import okio.BufferedSink;
import okio.BufferedSource;
import okio.ByteString;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Streaming end to end through a real tunnel to the SampleApp: big bodies, WebSocket, SSE, concurrency, agent loss. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ProxyStreamingTest {
    private static final long HUNDRED_MB = 100L * 1024 * 1024;
    /** Bytes that Netty may hold in buffers, proxy and agent together, while 100 MB go through. */
    private static final long NETTY_MEMORY_BOUND = 64L * 1024 * 1024;

    SampleApp app;
    ProxyTestKit kit;

    @BeforeEach
    void start() throws Exception {
        app = SampleApp.start("127.0.0.1", 0, true);
        kit = ProxyTestKit.start(app.port());
    }

    @AfterEach
    void stop() {
        if (kit != null) {
            kit.close();
        }
        if (app != null) {
            app.close();
        }
    }

    @Test
    void hundredMegabyteUploadStreamsThroughWithBoundedBuffers() throws Exception {
        MessageDigest expected = MessageDigest.getInstance("SHA-256");
        RequestBody body = new RequestBody() {
            @Override
            public MediaType contentType() {
                return MediaType.get("application/octet-stream");
            }

            @Override
            public long contentLength() {
                return HUNDRED_MB;
            }

            @Override
            public void writeTo(BufferedSink sink) throws IOException {
                byte[] chunk = new byte[64 * 1024];
                for (long offset = 0; offset < HUNDRED_MB; offset += chunk.length) {
                    for (int i = 0; i < chunk.length; i++) {
                        chunk[i] = SampleApp.patternByte(offset + i);
                    }
                    expected.update(chunk);
                    sink.write(chunk);
                }
            }
        };
        try (MemorySampler sampler = MemorySampler.start();
                Response r = kit.http.newCall(kit.authorized("/s/sess-a/app/upload").post(body).build()).execute()) {
            assertThat(r.code()).isEqualTo(200);
            assertThat(r.body().string()).isEqualTo("{\"bytes\":" + HUNDRED_MB + ",\"sha256\":\""
                    + HexFormat.of().formatHex(expected.digest()) + "\"}");
            assertThat(sampler.maxUsed()).isLessThan(NETTY_MEMORY_BOUND);
        }
    }

    @Test
    void hundredMegabyteDownloadStreamsThroughWithBoundedBuffers() throws Exception {
        try (MemorySampler sampler = MemorySampler.start();
                Response r = kit.http.newCall(kit.authorized("/s/sess-a/app/download?bytes=" + HUNDRED_MB).build()).execute()) {
            assertThat(r.code()).isEqualTo(200);
            assertThat(r.header("Content-Length")).isEqualTo(Long.toString(HUNDRED_MB));
            assertThat(readPattern(r.body().byteStream())).isEqualTo(HUNDRED_MB);
            assertThat(sampler.maxUsed()).isLessThan(NETTY_MEMORY_BOUND);
        }
    }

    @Test
    void expectContinueIsAnsweredByTheProxyAfterTheGate() throws Exception {
        byte[] body = new byte[300_000];
        for (int i = 0; i < body.length; i++) {
            body[i] = SampleApp.patternByte(i);
        }
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
        try (Response r = kit.http.newCall(kit.authorized("/s/sess-a/app/upload").header("Expect", "100-continue")
                .post(RequestBody.create(body, MediaType.get("application/octet-stream"))).build()).execute()) {
            assertThat(r.code()).isEqualTo(200);
            assertThat(r.body().string()).isEqualTo("{\"bytes\":300000,\"sha256\":\"" + sha + "\"}");
        }
    }

    @Test
    void leaseIsHeldWhileTheAgentIsConnectedAndReleasedWhenItGoes() {
        ProxyTestKit.await(() -> kit.registry.leases(ProxyTestKit.AGENT).stream()
                .anyMatch(l -> l.nodeId().equals(kit.proxy.nodeId())), java.time.Duration.ofSeconds(10));
        kit.terminateAgents();
        ProxyTestKit.await(() -> kit.registry.leases(ProxyTestKit.AGENT).isEmpty(), java.time.Duration.ofSeconds(10));
    }

    @Test
    void webSocketEchoesTextAndBinaryWithTheSubprotocolTheAppSelected() throws Exception {
        BlockingQueue<Object> received = new ArrayBlockingQueue<>(10);
        CompletableFuture<Response> opened = new CompletableFuture<>();
        WebSocket ws = kit.http.newWebSocket(kit.authorized("/s/sess-a/app/ws").header("Sec-WebSocket-Protocol", "chat.v2").build(),
                new WebSocketListener() {
                    @Override
                    public void onOpen(WebSocket webSocket, Response response) {
                        opened.complete(response);
                    }

                    @Override
                    public void onMessage(WebSocket webSocket, String text) {
                        received.add(text);
                    }

                    @Override
                    public void onMessage(WebSocket webSocket, ByteString bytes) {
                        received.add(bytes);
                    }

                    @Override
                    public void onFailure(WebSocket webSocket, Throwable t, Response response) {
                        opened.completeExceptionally(t);
                        received.add(t);
                    }
                });
        try {
            Response handshake = opened.get(10, TimeUnit.SECONDS);
            assertThat(handshake.code()).isEqualTo(101);
            assertThat(handshake.header("Sec-WebSocket-Protocol")).isEqualTo("chat.v2");
            ws.send("hello through the tunnel");
            assertThat(received.poll(10, TimeUnit.SECONDS)).isEqualTo("hello through the tunnel");
            ByteString binary = ByteString.of(new byte[] {0, 1, 2, (byte) 0xff, 42});
            ws.send(binary);
            assertThat(received.poll(10, TimeUnit.SECONDS)).isEqualTo(binary);
        } finally {
            ws.close(1000, "bye");
        }
    }

    @Test
    void serverSentEventsArriveOneAtATime() throws Exception {
        try (Response r = kit.http.newCall(kit.authorized("/s/sess-a/app/sse?n=3").build()).execute()) {
            assertThat(r.code()).isEqualTo(200);
            BufferedSource source = r.body().source();
            for (int i = 1; i <= 3; i++) {
                // Event i+1 is not even written by the app until the client has read event i.
                assertThat(nextData(source)).isEqualTo("data: event " + i);
                app.releaseSseEvent();
            }
        }
    }

    @Test
    void hundredConcurrentRequestsOverOneTunnelConnectionAllSucceed() throws Exception {
        OkHttpClient client = kit.http.newBuilder().build();
        client.dispatcher().setMaxRequests(100);
        client.dispatcher().setMaxRequestsPerHost(100);
        List<CompletableFuture<Long>> results = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            long size = 1000L * i + 1;
            CompletableFuture<Long> f = new CompletableFuture<>();
            results.add(f);
            client.newCall(kit.authorized("/s/sess-a/app/download?bytes=" + size).build()).enqueue(new Callback() {
                @Override
                public void onFailure(Call call, IOException e) {
                    f.completeExceptionally(e);
                }

                @Override
                public void onResponse(Call call, Response response) {
                    try (response) {
                        f.complete(response.code() == 200 ? readPattern(response.body().byteStream()) : -response.code());
                    } catch (IOException | RuntimeException e) {
                        f.completeExceptionally(e);
                    }
                }
            });
        }
        for (int i = 0; i < 100; i++) {
            assertThat(results.get(i).get(60, TimeUnit.SECONDS)).isEqualTo(1000L * i + 1);
        }
        assertThat(kit.proxy.tunnelServer().tunnels()).hasSize(1);
    }

    @Test
    void agentKilledMidDownloadFailsTheClientReadAndANewAgentRestoresTheRoute() throws Exception {
        var agent = kit.startAgent(1);
        try (Response r = kit.http.newCall(kit.authorized("/s/sess-a/app/download?bytes=" + 4 * HUNDRED_MB).build()).execute()) {
            assertThat(r.code()).isEqualTo(200);
            InputStream in = r.body().byteStream();
            assertThat(in.readNBytes(1024 * 1024)).hasSize(1024 * 1024);
            kit.terminateAgents();
            assertThatThrownBy(() -> readPattern(in, 1024 * 1024)).isInstanceOf(IOException.class);
        }
        assertThat(agent).isNotNull();
        kit.startAgent(1);
        try (Response r = kit.http.newCall(kit.authorized("/s/sess-a/app/download?bytes=12345").build()).execute()) {
            assertThat(r.code()).isEqualTo(200);
            assertThat(readPattern(r.body().byteStream())).isEqualTo(12345);
        }
    }

    private static String nextData(BufferedSource source) throws IOException {
        String line;
        while ((line = source.readUtf8LineStrict()) != null) {
            if (line.startsWith("data:")) {
                return line;
            }
        }
        return null;
    }

    /** Reads to EOF, checking every byte against the SampleApp pattern; returns the byte count. */
    private static long readPattern(InputStream in) throws IOException {
        return readPattern(in, 0);
    }

    private static long readPattern(InputStream in, long start) throws IOException {
        byte[] buf = new byte[64 * 1024];
        long offset = start;
        int n;
        while ((n = in.read(buf)) > 0) {
            for (int i = 0; i < n; i++) {
                if (buf[i] != SampleApp.patternByte(offset + i)) {
                    throw new AssertionError("byte " + (offset + i) + " differs");
                }
            }
            offset += n;
        }
        return offset;
    }

    /** Samples the memory Netty's default allocators hold (a measurement, not synchronisation). */
    static final class MemorySampler implements AutoCloseable {
        private final AtomicLong max = new AtomicLong();
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final Thread thread;

        private MemorySampler() {
            thread = new Thread(() -> {
                while (running.get()) {
                    max.accumulateAndGet(used(), Math::max);
                    java.util.concurrent.locks.LockSupport.parkNanos(2_000_000);
                }
            }, "memory-sampler");
            thread.setDaemon(true);
        }

        static MemorySampler start() {
            MemorySampler s = new MemorySampler();
            s.thread.start();
            return s;
        }

        long maxUsed() {
            max.accumulateAndGet(used(), Math::max);
            return max.get();
        }

        private static long used() {
            return usedBy(ByteBufAllocator.DEFAULT) + (ByteBufAllocator.DEFAULT == PooledByteBufAllocator.DEFAULT ? 0
                    : usedBy(PooledByteBufAllocator.DEFAULT));
        }

        private static long usedBy(ByteBufAllocator alloc) {
            if (alloc instanceof ByteBufAllocatorMetricProvider p) {
                ByteBufAllocatorMetric m = p.metric();
                return m.usedDirectMemory() + m.usedHeapMemory();
            }
            return 0;
        }

        @Override
        public void close() throws InterruptedException {
            running.set(false);
            thread.join(5000);
        }
    }
}
