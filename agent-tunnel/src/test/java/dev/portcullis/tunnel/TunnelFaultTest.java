package dev.portcullis.tunnel;

import static dev.portcullis.tunnel.RawApp.ascii;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http2.Http2Headers;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
@org.junit.jupiter.api.extension.ExtendWith(LeakCheckExtension.class)
class TunnelFaultTest {
    private TunnelTestKit kit;
    private RawApp app;

    @AfterEach
    void tearDown() throws Exception {
        if (app != null) {
            app.close();
        }
        if (kit != null) {
            kit.close();
        }
    }

    private Http2Headers get(String app, int port) {
        return TunnelHeaders.request("GET", "/", "https", "s1-" + app, "s1", app, port, null);
    }

    @Test
    void appDyingMidContentLengthBodyResetsTheStreamNeverEndsIt() throws Exception {
        kit = TunnelTestKit.start();
        app = new RawApp((s, head) -> {
            OutputStream out = s.getOutputStream();
            out.write(ascii("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n"));
            out.write(new byte[500]);
            out.flush();
            // and close with half the body unsent
        });
        kit.apps().put("s1", "lab", app.port());
        RecordingStreamListener l = RecordingStreamListener.open(kit.tunnel(), get("lab", app.port()), true);

        TunnelErrorCode code = l.reset().get(10, TimeUnit.SECONDS);
        assertThat(code).isIn(TunnelErrorCode.CANCEL, TunnelErrorCode.INTERNAL_ERROR);
        // The RST is an event and overtakes frames the listener has not asked for yet: when the app dies this fast,
        // the head may never be delivered. Either way the response must not look complete.
        var head = l.headers().getNow(null);
        if (head != null) {
            assertThat(head.status().toString()).isEqualTo("200");
        }
        assertThat(l.isEnded()).isFalse();
        assertThat(l.body().length).isLessThanOrEqualTo(500);
    }

    @Test
    void appDyingMidChunkedBodyResetsTheStream() throws Exception {
        kit = TunnelTestKit.start();
        app = new RawApp((s, head) -> {
            OutputStream out = s.getOutputStream();
            out.write(ascii("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n"));
            out.flush();
        });
        kit.apps().put("s1", "lab", app.port());
        RecordingStreamListener l = RecordingStreamListener.open(kit.tunnel(), get("lab", app.port()), true);

        assertThat(l.reset().get(10, TimeUnit.SECONDS)).isIn(TunnelErrorCode.CANCEL, TunnelErrorCode.INTERNAL_ERROR);
        assertThat(l.isEnded()).isFalse();
    }

    @Test
    void appClosingWithoutAnyResponseResetsTheStream() throws Exception {
        kit = TunnelTestKit.start();
        app = new RawApp((s, head) -> { });
        kit.apps().put("s1", "lab", app.port());
        RecordingStreamListener l = RecordingStreamListener.open(kit.tunnel(), get("lab", app.port()), true);

        assertThat(l.reset().get(10, TimeUnit.SECONDS)).isNotNull();
        assertThat(l.headers()).isNotDone();
    }

    @Test
    void appThatNeverAnswersGets504ResponseTimeout() throws Exception {
        kit = TunnelTestKit.start(TunnelTestKit.testSettings().responseHeadTimeout(Duration.ofMillis(300)).build(), 1);
        CountDownLatch release = new CountDownLatch(1);
        app = new RawApp((s, head) -> release.await(20, TimeUnit.SECONDS));
        kit.apps().put("s1", "lab", app.port());
        RecordingStreamListener l = RecordingStreamListener.open(kit.tunnel(), get("lab", app.port()), true);

        l.ended().get(10, TimeUnit.SECONDS);
        assertThat(l.headers().get().status().toString()).isEqualTo("504");
        assertThat(l.headers().get().get(TunnelHeaders.ERROR).toString()).isEqualTo("response-timeout");
        release.countDown();
    }

    @Test
    void upgradedStreamCarriesRawBytesBothWaysAndHalfCloses() throws Exception {
        kit = TunnelTestKit.start();
        app = new RawApp((s, head) -> {
            OutputStream out = s.getOutputStream();
            out.write(ascii("HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
                    + "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n"));
            out.flush();
            InputStream in = s.getInputStream();
            byte[] buf = new byte[8192];
            int n;
            while ((n = in.read(buf)) > 0) { // echo until the tunnel half-closes
                out.write(buf, 0, n);
                out.flush();
            }
            out.write(ascii("bye"));
            s.shutdownOutput();
        });
        kit.apps().put("s1", "term", app.port());
        Http2Headers h = TunnelHeaders.request("GET", "/terminals/websocket/1", "https", "s1-term", "s1", "term",
                app.port(), "websocket");
        h.set("sec-websocket-key", "dGhlIHNhbXBsZSBub25jZQ==");
        h.set("sec-websocket-version", "13");
        RecordingStreamListener l = RecordingStreamListener.open(kit.tunnel(), h, false);

        Http2Headers res = l.headers().get(10, TimeUnit.SECONDS);
        assertThat(res.status().toString()).isEqualTo("200");
        assertThat(res.get(TunnelHeaders.STATUS).toString()).isEqualTo("101");
        assertThat(res.get("sec-websocket-accept").toString()).isEqualTo("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
        assertThat(res.get("connection")).isNull();
        assertThat(res.get("upgrade")).isNull();
        String appHead = app.requestHead().get(5, TimeUnit.SECONDS);
        assertThat(appHead).startsWith("GET /terminals/websocket/1 HTTP/1.1\r\n");
        assertThat(appHead.toLowerCase()).contains("connection: upgrade\r\n", "upgrade: websocket\r\n",
                "sec-websocket-key: dghlihnhbxbszsbub25jzq==\r\n");

        l.stream().write(Unpooled.copiedBuffer("ping-1", StandardCharsets.US_ASCII), false);
        assertThat(new String(l.firstData().get(10, TimeUnit.SECONDS), StandardCharsets.US_ASCII)).isEqualTo("ping-1");
        l.stream().write(Unpooled.EMPTY_BUFFER, true); // half-close toward the app

        l.ended().get(10, TimeUnit.SECONDS);
        assertThat(l.bodyText()).isEqualTo("ping-1bye");
        assertThat(l.resetCount()).isZero();
    }

    @Test
    void upgradeDeclinedByTheAppStaysHttp() throws Exception {
        kit = TunnelTestKit.start();
        app = new RawApp((s, head) -> {
            s.getOutputStream().write(ascii("HTTP/1.1 403 Forbidden\r\nContent-Length: 2\r\n\r\nno"));
            s.getOutputStream().flush();
            s.getInputStream().read(); // wait for the agent to close
        });
        kit.apps().put("s1", "term", app.port());
        Http2Headers h = TunnelHeaders.request("GET", "/ws", "https", "s1-term", "s1", "term", app.port(), "websocket");
        RecordingStreamListener l = RecordingStreamListener.open(kit.tunnel(), h, false);

        Http2Headers res = l.headers().get(10, TimeUnit.SECONDS);
        assertThat(res.status().toString()).isEqualTo("403");
        assertThat(res.get(TunnelHeaders.STATUS)).isNull();
        l.ended().get(10, TimeUnit.SECONDS);
        assertThat(l.bodyText()).isEqualTo("no");
    }

    @Test
    void agentTerminatedMidStreamResetsProxyStreamsWithTunnelClosedAndARestartedAgentIsFoundAgain() throws Exception {
        kit = TunnelTestKit.start();
        CountDownLatch release = new CountDownLatch(1);
        app = new RawApp((s, head) -> {
            s.getOutputStream().write(ascii("HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\nfirst bytes"));
            s.getOutputStream().flush();
            release.await(20, TimeUnit.SECONDS);
        });
        kit.apps().put("s1", "lab", app.port());
        RecordingStreamListener l = RecordingStreamListener.open(kit.tunnel(), get("lab", app.port()), true);
        l.firstData().get(10, TimeUnit.SECONDS);

        kit.client().terminate();

        assertThat(l.reset().get(10, TimeUnit.SECONDS)).isEqualTo(TunnelErrorCode.TUNNEL_CLOSED);
        kit.awaitTunnelDown();
        assertThat(kit.server().tunnel(TunnelTestKit.AGENT_ID)).isEmpty();
        assertThat(l.resetCount()).isEqualTo(1);

        kit.startAgent(1);
        Tunnel again = kit.awaitTunnelUp();
        assertThat(again.agentId()).isEqualTo(TunnelTestKit.AGENT_ID);
        assertThat(kit.server().tunnel(TunnelTestKit.AGENT_ID)).contains(again);
        release.countDown();
    }

    @Test
    void streamsOnAClosedTunnelFailWithTunnelClosed() throws Exception {
        kit = TunnelTestKit.start();
        Tunnel t = kit.tunnel();
        kit.client().terminate();
        t.closeFuture().get(10, TimeUnit.SECONDS);

        assertThat(t.isActive()).isFalse();
        assertThat(t.openStream(get("lab", 1), true, new RecordingStreamListener()))
                .failsWithin(5, TimeUnit.SECONDS)
                .withThrowableOfType(java.util.concurrent.ExecutionException.class)
                .havingCause()
                .isInstanceOfSatisfying(TunnelException.class,
                        e -> assertThat(e.code()).isEqualTo(TunnelErrorCode.TUNNEL_CLOSED));
    }

    @Test
    void proxyResetClosesTheAppConnection() throws Exception {
        kit = TunnelTestKit.start();
        java.util.concurrent.CompletableFuture<Integer> appSawEof = new java.util.concurrent.CompletableFuture<>();
        app = new RawApp((s, head) -> {
            s.getOutputStream().write(ascii("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\ntick\r\n"));
            s.getOutputStream().flush();
            appSawEof.complete(s.getInputStream().read());
        });
        kit.apps().put("s1", "lab", app.port());
        RecordingStreamListener l = RecordingStreamListener.open(kit.tunnel(), get("lab", app.port()), true);
        l.firstData().get(10, TimeUnit.SECONDS);

        l.stream().reset(TunnelErrorCode.CANCEL);

        assertThat(appSawEof.get(10, TimeUnit.SECONDS)).isEqualTo(-1);
        assertThat(l.resetCount()).isZero(); // no listener event for a local reset
    }

    @Test
    void streamsBeyondTheAgentsConcurrencyLimitAreRefused() throws Exception {
        kit = TunnelTestKit.start(TunnelTestKit.testSettings().maxConcurrentStreams(2).build(), 1);
        CountDownLatch release = new CountDownLatch(1);
        app = new RawApp((s, head) -> release.await(20, TimeUnit.SECONDS));
        kit.apps().put("s1", "lab", app.port());
        Tunnel t = kit.tunnel();
        RecordingStreamListener a = RecordingStreamListener.open(t, get("lab", app.port()), true);
        RecordingStreamListener b = RecordingStreamListener.open(t, get("lab", app.port()), true);
        assertThat(t.openStreams()).isEqualTo(2);

        // Refused either locally (the proxy already knows the agent's SETTINGS) or by the agent with
        // RST_STREAM(REFUSED_STREAM) (the SETTINGS were still in flight): both say "safe to retry elsewhere".
        RecordingStreamListener third = new RecordingStreamListener();
        TunnelErrorCode code;
        try {
            third.attach(t.openStream(get("lab", app.port()), true, third).get(5, TimeUnit.SECONDS));
            code = third.reset().get(5, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            code = ((TunnelException) e.getCause()).code();
        }
        assertThat(code).isEqualTo(TunnelErrorCode.REFUSED_STREAM);
        a.stream().reset(TunnelErrorCode.CANCEL);
        b.stream().reset(TunnelErrorCode.CANCEL);
        release.countDown();
    }

    @Test
    void gracefulAgentCloseLetsTheInFlightResponseFinish() throws Exception {
        kit = TunnelTestKit.start(TunnelTestKit.testSettings().shutdownGrace(Duration.ofSeconds(5)).build(), 1);
        CountDownLatch respond = new CountDownLatch(1);
        app = new RawApp((s, head) -> {
            respond.await(20, TimeUnit.SECONDS);
            s.getOutputStream().write(ascii("HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\ndone"));
            s.getOutputStream().flush();
            s.getInputStream().read();
        });
        kit.apps().put("s1", "lab", app.port());
        Tunnel t = kit.tunnel();
        RecordingStreamListener l = RecordingStreamListener.open(t, get("lab", app.port()), true);
        app.requestHead().get(10, TimeUnit.SECONDS); // the request is at the app

        java.util.concurrent.CompletableFuture<Void> closing =
                java.util.concurrent.CompletableFuture.runAsync(() -> kit.client().close());
        respond.countDown();

        l.ended().get(10, TimeUnit.SECONDS);
        assertThat(l.bodyText()).isEqualTo("done");
        assertThat(l.resetCount()).isZero();
        closing.get(10, TimeUnit.SECONDS);
        t.closeFuture().get(10, TimeUnit.SECONDS);
        assertThat(kit.server().tunnel(TunnelTestKit.AGENT_ID)).isEmpty();
    }
}
