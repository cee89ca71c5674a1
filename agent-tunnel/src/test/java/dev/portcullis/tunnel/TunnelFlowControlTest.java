package dev.portcullis.tunnel;

import static dev.portcullis.tunnel.RawApp.ascii;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http2.Http2Headers;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Flow control and throughput. For a quick measurement without leak-detection overhead:
 * {@code mvn -o -pl agent-tunnel verify -Dleak.detection.level=disabled -Dexp.size=524288000
 * -Dtest='TunnelFlowControlTest#hundredMegabytesThroughOneStreamAtFullSpeed'} ({@code -Dexp.frame=} varies
 * SETTINGS_MAX_FRAME_SIZE).
 */
@org.junit.jupiter.api.extension.ExtendWith(LeakCheckExtension.class)
class TunnelFlowControlTest {
    private static final long SIZE = Long.getLong("exp.size", 100L << 20);

    private TunnelTestKit kit;
    private RawApp app;
    private final ScheduledExecutorService consumer = Executors.newSingleThreadScheduledExecutor();

    @AfterEach
    void tearDown() throws Exception {
        consumer.shutdownNow();
        if (app != null) {
            app.close();
        }
        if (kit != null) {
            kit.close();
        }
    }

    /** The app writes as fast as the tunnel lets it; its backlog over what the user consumed is what is buffered. */
    private RawApp bigResponseApp(AtomicLong written, AtomicLong received, AtomicLong maxBacklog) throws Exception {
        return new RawApp((s, head) -> {
            OutputStream out = s.getOutputStream();
            out.write(ascii("HTTP/1.1 200 OK\r\nContent-Length: " + SIZE + "\r\n\r\n"));
            byte[] chunk = new byte[64 << 10];
            for (int i = 0; i < chunk.length; i++) {
                chunk[i] = (byte) i;
            }
            for (long sent = 0; sent < SIZE; sent += chunk.length) {
                out.write(chunk);
                long w = written.addAndGet(chunk.length);
                maxBacklog.accumulateAndGet(w - received.get(), Math::max);
            }
            out.flush();
            s.getInputStream().read(); // until the agent closes
        });
    }

    @Test
    @Timeout(120)
    void hundredMegabytesStreamToASlowConsumerWithBoundedBuffering() throws Exception {
        kit = TunnelTestKit.start();
        AtomicLong written = new AtomicLong();
        AtomicLong received = new AtomicLong();
        AtomicLong maxBacklog = new AtomicLong();
        app = bigResponseApp(written, received, maxBacklog);
        kit.apps().put("s1", "big", app.port());

        CompletableFuture<Void> done = new CompletableFuture<>();
        AtomicLong checksumErrors = new AtomicLong();
        TunnelStreamListener slow = new TunnelStreamListener() {
            volatile TunnelStream stream;

            @Override
            public void onHeaders(Http2Headers headers, boolean endOfStream) {
                later();
            }

            @Override
            public void onData(ByteBuf data, boolean endOfStream) {
                long offset = received.get();
                // One bulk copy: per-byte access would record a leak-detector trace per byte under paranoid.
                byte[] bytes = new byte[data.readableBytes()];
                data.getBytes(data.readerIndex(), bytes);
                for (int i = 0; i < bytes.length; i++, offset++) {
                    if (bytes[i] != (byte) (offset % (64 << 10))) {
                        checksumErrors.incrementAndGet();
                        break;
                    }
                }
                received.addAndGet(data.readableBytes());
                data.release();
                if (endOfStream) {
                    done.complete(null);
                } else {
                    later();
                }
            }

            /** A slow user: asks for the next batch a little later, from another thread. */
            private void later() {
                consumer.schedule(() -> streamRef[0].request(), 200, TimeUnit.MICROSECONDS);
            }

            @Override
            public void onWritabilityChanged(boolean writable) {}

            @Override
            public void onReset(TunnelErrorCode code) {
                done.completeExceptionally(new TunnelException(code, "reset"));
            }
        };
        Http2Headers h = TunnelHeaders.request("GET", "/big", "https", "s1-big", "s1", "big", app.port(), null);
        long start = System.nanoTime();
        TunnelStream s = kit.tunnel().openStream(h, true, slow).get(10, TimeUnit.SECONDS);
        streamRef[0] = s;
        s.request();
        done.get(110, TimeUnit.SECONDS);
        long millis = Math.max(1, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));

        assertThat(received.get()).isEqualTo(SIZE);
        assertThat(checksumErrors.get()).isZero();
        // Stream window (1 MiB) + water marks + kernel socket buffers on two loopback hops; far below 100 MB.
        assertThat(maxBacklog.get()).isLessThan(40L << 20);
        System.out.printf("slow consumer: %d MB in %d ms (%d MB/s), max backlog %d KiB%n",
                SIZE >> 20, millis, (SIZE >> 20) * 1000 / millis, maxBacklog.get() >> 10);
    }

    private final TunnelStream[] streamRef = new TunnelStream[1];

    @Test
    @Timeout(60)
    void hundredMegabytesThroughOneStreamAtFullSpeed() throws Exception {
        kit = TunnelTestKit.start(TunnelTestKit.testSettings()
                .maxFrameSize(Integer.getInteger("exp.frame", 64 << 10)).build(), 1);
        AtomicLong written = new AtomicLong();
        AtomicLong received = new AtomicLong();
        AtomicLong maxBacklog = new AtomicLong();
        app = bigResponseApp(written, received, maxBacklog);
        kit.apps().put("s1", "big", app.port());

        CompletableFuture<Void> done = new CompletableFuture<>();
        AtomicLong frames = new AtomicLong();
        TunnelStreamListener fast = new TunnelStreamListener() {
            @Override
            public void onHeaders(Http2Headers headers, boolean endOfStream) {
                streamRef[0].request();
            }

            @Override
            public void onData(ByteBuf data, boolean endOfStream) {
                frames.incrementAndGet();
                received.addAndGet(data.readableBytes());
                data.release();
                if (endOfStream) {
                    done.complete(null);
                } else {
                    streamRef[0].request();
                }
            }

            @Override
            public void onWritabilityChanged(boolean writable) {}

            @Override
            public void onReset(TunnelErrorCode code) {
                done.completeExceptionally(new TunnelException(code, "reset"));
            }
        };
        Http2Headers h = TunnelHeaders.request("GET", "/big", "https", "s1-big", "s1", "big", app.port(), null);
        long start = System.nanoTime();
        TunnelStream s = kit.tunnel().openStream(h, true, fast).get(10, TimeUnit.SECONDS);
        streamRef[0] = s;
        s.request();
        done.get(50, TimeUnit.SECONDS);
        long millis = Math.max(1, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
        assertThat(received.get()).isEqualTo(SIZE);
        System.out.printf("full speed: %d MB in %d ms (%d MB/s), %d DATA frames%n", SIZE >> 20, millis,
                (SIZE >> 20) * 1000 / millis, frames.get());
    }

    @Test
    @Timeout(60)
    void hundredConcurrentStreamsOnOneTunnelAllComplete() throws Exception {
        kit = TunnelTestKit.start();
        try (MockWebServer web = new MockWebServer()) {
            web.setDispatcher(new Dispatcher() {
                @Override
                public MockResponse dispatch(RecordedRequest request) {
                    return new MockResponse.Builder().code(200).body("body of " + request.getTarget()).build();
                }
            });
            web.start(java.net.InetAddress.getByName("127.0.0.1"), 0);
            kit.apps().put("s1", "web", web.getPort());
            Tunnel tunnel = kit.tunnel();
            List<RecordingStreamListener> listeners = new ArrayList<>();
            List<CompletableFuture<TunnelStream>> opens = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                RecordingStreamListener l = new RecordingStreamListener();
                listeners.add(l);
                opens.add(tunnel.openStream(TunnelHeaders.request("GET", "/item/" + i, "https", "s1-web", "s1", "web",
                        web.getPort(), null), true, l));
            }
            for (int i = 0; i < 100; i++) {
                listeners.get(i).attach(opens.get(i).get(10, TimeUnit.SECONDS));
            }
            for (int i = 0; i < 100; i++) {
                RecordingStreamListener l = listeners.get(i);
                l.ended().get(30, TimeUnit.SECONDS);
                assertThat(l.headers().get().status().toString()).isEqualTo("200");
                assertThat(l.bodyText()).isEqualTo("body of /item/" + i);
            }
            assertThat(web.getRequestCount()).isEqualTo(100);
        }
    }

    @Test
    @Timeout(60)
    void largeUploadHonoursWritabilityAndReachesTheAppIntact() throws Exception {
        kit = TunnelTestKit.start();
        long size = 32L << 20;
        CompletableFuture<long[]> appGot = new CompletableFuture<>();
        app = new RawApp((s, head) -> {
            java.io.InputStream in = s.getInputStream();
            byte[] buf = new byte[16 << 10];
            long total = 0;
            long errors = 0;
            int n;
            while (total < size && (n = in.read(buf)) > 0) {
                for (int i = 0; i < n; i++) {
                    if (buf[i] != (byte) ((total + i) % 251)) {
                        errors++;
                    }
                }
                total += n;
            }
            appGot.complete(new long[] {total, errors});
            s.getOutputStream().write(ascii("HTTP/1.1 204 No Content\r\n\r\n"));
            s.getOutputStream().flush();
            in.read();
        });
        kit.apps().put("s1", "up", app.port());
        Http2Headers h = TunnelHeaders.request("PUT", "/upload", "https", "s1-up", "s1", "up", app.port(), null);
        h.set("content-length", Long.toString(size));
        AtomicLong resumes = new AtomicLong();
        long[] sent = new long[1];
        CompletableFuture<Void> ended = new CompletableFuture<>();
        TunnelStream[] ref = new TunnelStream[1];
        Runnable pump = () -> {
            synchronized (sent) { // the first round runs on the test thread, the rest on the event loop
                pumpWhileWritable(ref[0], sent, size);
            }
        };
        TunnelStreamListener listener = new TunnelStreamListener() {
            @Override
            public void onHeaders(Http2Headers headers, boolean endOfStream) {
                if (endOfStream) {
                    ended.complete(null);
                } else {
                    ref[0].request();
                }
            }

            @Override
            public void onData(ByteBuf data, boolean endOfStream) {
                data.release();
                if (endOfStream) {
                    ended.complete(null);
                } else {
                    ref[0].request();
                }
            }

            @Override
            public void onWritabilityChanged(boolean writable) {
                if (writable) {
                    resumes.incrementAndGet();
                    pump.run(); // on the event loop, like proxy-core would
                }
            }

            @Override
            public void onReset(TunnelErrorCode code) {
                ended.completeExceptionally(new TunnelException(code, "reset"));
            }
        };
        TunnelStream st = kit.tunnel().openStream(h, false, listener).get(10, TimeUnit.SECONDS);
        ref[0] = st;
        st.request();
        pump.run(); // later rounds run from onWritabilityChanged(true) on the event loop

        long[] got = appGot.get(50, TimeUnit.SECONDS);
        assertThat(got[0]).isEqualTo(size);
        assertThat(got[1]).isZero();
        ended.get(10, TimeUnit.SECONDS);
        assertThat(resumes.get()).as("the writer was paused and resumed").isPositive();
    }

    private static void pumpWhileWritable(TunnelStream st, long[] sent, long size) {
        while (sent[0] < size && st.isWritable()) {
            int len = (int) Math.min(64 << 10, size - sent[0]);
            byte[] bytes = new byte[len];
            for (int i = 0; i < len; i++) {
                bytes[i] = (byte) ((sent[0] + i) % 251);
            }
            ByteBuf chunk = st.alloc().buffer(len).writeBytes(bytes);
            sent[0] += len;
            st.write(chunk, sent[0] == size);
        }
    }
}
