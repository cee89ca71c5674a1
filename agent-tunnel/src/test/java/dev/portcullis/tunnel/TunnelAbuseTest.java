package dev.portcullis.tunnel;

import static dev.portcullis.tunnel.RawFrames.CONTINUATION;
import static dev.portcullis.tunnel.RawFrames.DATA;
import static dev.portcullis.tunnel.RawFrames.END_HEADERS;
import static dev.portcullis.tunnel.RawFrames.END_STREAM;
import static dev.portcullis.tunnel.RawFrames.GOAWAY;
import static dev.portcullis.tunnel.RawFrames.PING;
import static dev.portcullis.tunnel.RawFrames.RST_STREAM;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The tunnel under attack from a rogue peer in either role (SECURITY rows 31, 32, 37, 38, 39): a raw TLS socket that
 * speaks the handshake and then hand-written HTTP/2 frames ({@link RawFrames}), against the real agent (the test plays
 * the proxy) or the real proxy side (the test plays the agent). Each test asserts the frame that comes back.
 */
@Timeout(30)
@ExtendWith(LeakCheckExtension.class)
class TunnelAbuseTest {
    private static final int UNKNOWN_TYPE = 0x42;
    /** Stream 1 is HTTP/1.1 upgrade's stream (RFC 7540 §3.2) to Netty's server codec; a real proxy starts at 3 too. */
    private static final int FIRST = 3;

    private TunnelTestKit kit;
    private SSLServerSocket rogueServer;
    private TunnelClient agent;
    private SSLSocket socket;
    private RawApp app;
    private final CountDownLatch release = new CountDownLatch(1);

    @AfterEach
    void tearDown() throws Exception {
        release.countDown();
        if (socket != null) {
            socket.close();
        }
        if (agent != null) {
            agent.terminate();
        }
        if (rogueServer != null) {
            rogueServer.close();
        }
        if (app != null) {
            app.close();
        }
        if (kit != null) {
            kit.close();
        }
    }

    /** Plays the PROXY against a real agent: accepts its TLS connection, says OK to its hello, then is the HTTP/2 client. */
    private RawFrames rogueProxy(TunnelSettings settings) throws Exception {
        kit = TunnelTestKit.serverOnly(settings);
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        keys.setKeyEntry("k", kit.certificateKey(), new char[0], new Certificate[] {kit.certificate()});
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, new char[0]);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(kmf.getKeyManagers(), null, null);
        rogueServer = (SSLServerSocket) tls.getServerSocketFactory().createServerSocket(0, 5, InetAddress.getLoopbackAddress());
        agent = TunnelClient.start(kit.clientConfig("token-" + TunnelTestKit.AGENT_ID)
                .proxy("127.0.0.1", rogueServer.getLocalPort()).connections(1).build());
        socket = (SSLSocket) rogueServer.accept();
        socket.setSoTimeout(10_000);
        assertThat(readLine(socket.getInputStream())).startsWith("PORTCULLIS/1 ");
        socket.getOutputStream().write("OK t-rogue\n".getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().write(RawFrames.CLIENT_PREFACE);
        RawFrames frames = new RawFrames(socket.getInputStream(), socket.getOutputStream());
        frames.settings();
        assertThat(frames.awaitFrame(RawFrames.SETTINGS, 0)).isNotNull();
        return frames;
    }

    /** Plays the AGENT against the real proxy side: authenticates, then is the HTTP/2 server. */
    private RawFrames rogueAgent(TunnelSettings settings) throws Exception {
        kit = TunnelTestKit.serverOnly(settings);
        socket = kit.rawTlsSocket();
        socket.getOutputStream().write(("PORTCULLIS/1 token-" + TunnelTestKit.AGENT_ID + "\n").getBytes(StandardCharsets.US_ASCII));
        assertThat(readLine(socket.getInputStream())).startsWith("OK ");
        assertThat(socket.getInputStream().readNBytes(RawFrames.CLIENT_PREFACE.length)).isEqualTo(RawFrames.CLIENT_PREFACE);
        RawFrames frames = new RawFrames(socket.getInputStream(), socket.getOutputStream());
        frames.settings();
        kit.awaitTunnelUp();
        return frames;
    }

    private static Map<String, String> request(String path, int port) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put(":method", "POST");
        h.put(":scheme", "https");
        h.put(":path", path);
        h.put(":authority", "s1-lab");
        h.put(TunnelHeaders.SESSION.toString(), "s1");
        h.put(TunnelHeaders.APP.toString(), "lab");
        h.put(TunnelHeaders.PORT.toString(), Integer.toString(port));
        return h;
    }

    /** A PING is answered: the connection is alive and was not closed by the frames before it. */
    private static void assertAlive(RawFrames frames) throws IOException {
        frames.write(PING, 0, 0, new byte[8]);
        frames.flush();
        RawFrames.Frame ack = frames.awaitFrame(PING, 0);
        assertThat(ack).as("PING ACK").isNotNull();
    }

    private static void assertGoAway(RawFrames frames, long code) throws IOException {
        RawFrames.Frame goAway = frames.awaitFrame(GOAWAY, 0);
        assertThat(goAway).as("GOAWAY").isNotNull();
        assertThat(goAway.errorCode()).isEqualTo(code);
        assertThat(frames.closedByPeer()).as("closed after GOAWAY").isTrue();
    }

    private static void unknownFrames(RawFrames frames, int n, int streamId) throws IOException {
        for (int i = 0; i < n; i++) {
            frames.write(UNKNOWN_TYPE, 0, streamId, new byte[] {1, 2, 3});
        }
        frames.flush();
    }

    @Test
    void row31UnknownFramesFromTheProxyAreIgnoredThenAFloodGetsGoAwayFromTheAgent() throws Exception {
        RawFrames frames = rogueProxy(TunnelTestKit.testSettings().maxUnknownFramesPerWindow(100, 10).build());
        unknownFrames(frames, 60, 0);
        unknownFrames(frames, 40, 99); // on a stream that does not exist
        assertAlive(frames);
        unknownFrames(frames, 1, 0);
        assertGoAway(frames, RawFrames.ENHANCE_YOUR_CALM);
    }

    @Test
    void row31UnknownFramesFromTheAgentAreIgnoredThenAFloodGetsGoAwayFromTheProxy() throws Exception {
        RawFrames frames = rogueAgent(TunnelTestKit.testSettings().maxUnknownFramesPerWindow(100, 10).build());
        unknownFrames(frames, 100, 0);
        assertAlive(frames);
        unknownFrames(frames, 1, 7);
        assertGoAway(frames, RawFrames.ENHANCE_YOUR_CALM);
        kit.awaitTunnelDown();
    }

    @Test
    void row32MalformedRequestHeadsAreResetAndTheAppSeesNothing() throws Exception {
        app = new RawApp((s, head) -> release.await(20, TimeUnit.SECONDS));
        RawFrames frames = rogueProxy(TunnelTestKit.testSettings().build());
        kit.apps().put("s1", "lab", app.port());
        Map<String, String> crlfPath = request("/x\r\nHost: B", app.port());
        Map<String, String> nulValue = request("/", app.port());
        nulValue.put("x-a", "a\0b");
        Map<String, String> connectionSpecific = request("/", app.port());
        connectionSpecific.put("transfer-encoding", "chunked");
        Map<String, String> upperCaseName = request("/", app.port());
        upperCaseName.put("X-Upper", "1");
        int stream = FIRST;
        for (Map<String, String> head : java.util.List.of(crlfPath, nulValue, connectionSpecific, upperCaseName)) {
            frames.headers(stream, END_HEADERS | END_STREAM, head);
            frames.flush();
            RawFrames.Frame f = frames.awaitFrame(RST_STREAM, stream);
            assertThat(f).as("RST_STREAM for %s", head).isNotNull();
            assertThat(f.errorCode()).isEqualTo(RawFrames.PROTOCOL_ERROR);
            stream += 2;
        }
        assertThat(app.requestHead()).as("the app saw nothing").isNotDone();
        assertAlive(frames);
    }

    @Test
    void row32MoreDataThanContentLengthIsAProtocolError() throws Exception {
        app = new RawApp((s, head) -> release.await(20, TimeUnit.SECONDS));
        RawFrames frames = rogueProxy(TunnelTestKit.testSettings().build());
        kit.apps().put("s1", "lab", app.port());
        Map<String, String> head = request("/", app.port());
        head.put("content-length", "5");
        frames.headers(FIRST, END_HEADERS, head);
        frames.write(DATA, END_STREAM, FIRST, "0123456789".getBytes(StandardCharsets.US_ASCII));
        frames.flush();
        RawFrames.Frame f = frames.awaitFrame(RST_STREAM, FIRST);
        assertThat(f).isNotNull();
        assertThat(f.errorCode()).isEqualTo(RawFrames.PROTOCOL_ERROR);
    }

    @Test
    void row37RapidResetBelowTheLimitIsServedAndAboveItGetsGoAway() throws Exception {
        RawFrames frames = rogueProxy(TunnelTestKit.testSettings().maxRstFramesPerWindow(200, 30).build());
        int stream = FIRST;
        for (int i = 0; i < 150; i++, stream += 2) {
            frames.headers(stream, END_HEADERS, request("/", 1));
            frames.rst(stream, RawFrames.CANCEL);
        }
        frames.flush();
        assertAlive(frames);
        for (int i = 0; i < 150; i++, stream += 2) {
            frames.headers(stream, END_HEADERS, request("/", 1));
            frames.rst(stream, RawFrames.CANCEL);
        }
        frames.flush();
        assertGoAway(frames, RawFrames.ENHANCE_YOUR_CALM);
    }

    @Test
    void row38ContinuationFloodGetsGoAwayLongBeforeTenThousandFrames() throws Exception {
        RawFrames frames = rogueProxy(TunnelTestKit.testSettings().build());
        frames.headers(FIRST, 0, request("/", 1)); // no END_HEADERS
        int sent = 0;
        try {
            for (; sent < 10_000; sent++) {
                frames.write(CONTINUATION, 0, FIRST, new byte[0]);
                if (sent % 100 == 0) {
                    frames.flush();
                }
            }
            frames.flush();
        } catch (IOException closedByAgent) {
            // the agent closed the connection while the flood was still being written
        }
        RawFrames.Frame goAway = frames.awaitFrame(GOAWAY, 0);
        assertThat(goAway).as("GOAWAY after %d CONTINUATION frames", sent).isNotNull();
        assertThat(goAway.errorCode()).isIn(RawFrames.ENHANCE_YOUR_CALM, RawFrames.PROTOCOL_ERROR);
    }

    @Test
    void row39StreamsBeyondMaxConcurrentStreamsAreRefusedByTheAgent() throws Exception {
        app = new RawApp((s, head) -> release.await(20, TimeUnit.SECONDS));
        RawFrames frames = rogueProxy(TunnelTestKit.testSettings().maxConcurrentStreams(2).build());
        kit.apps().put("s1", "lab", app.port());
        frames.headers(FIRST, END_HEADERS, request("/", app.port()));
        frames.headers(FIRST + 2, END_HEADERS, request("/", app.port()));
        frames.headers(FIRST + 4, END_HEADERS, request("/", app.port()));
        frames.flush();
        RawFrames.Frame f = frames.awaitFrame(RST_STREAM, FIRST + 4);
        assertThat(f).isNotNull();
        assertThat(f.errorCode()).isEqualTo(RawFrames.REFUSED_STREAM);
    }

    @Test
    void row38ContinuationFloodInAnAgentsResponseGetsGoAwayFromTheProxy() throws Exception {
        RawFrames frames = rogueAgent(TunnelTestKit.testSettings().build());
        RecordingStreamListener listener = RecordingStreamListener.open(kit.tunnel(),
                TunnelHeaders.request("GET", "/", "https", "s1-lab", "s1", "lab", 1, null), true);
        RawFrames.Frame request = frames.awaitFrame(RawFrames.HEADERS, -1);
        assertThat(request).isNotNull();
        frames.headers(request.streamId(), 0, Map.of(":status", "200")); // no END_HEADERS
        try {
            for (int i = 0; i < 10_000; i++) {
                frames.write(CONTINUATION, 0, request.streamId(), new byte[0]);
            }
            frames.flush();
        } catch (IOException closedByProxy) {
            // the proxy closed the connection while the flood was still being written
        }
        RawFrames.Frame goAway = frames.awaitFrame(GOAWAY, 0);
        assertThat(goAway).isNotNull();
        assertThat(goAway.errorCode()).isIn(RawFrames.ENHANCE_YOUR_CALM, RawFrames.PROTOCOL_ERROR);
        assertThat(listener.reset().get(10, TimeUnit.SECONDS)).as("the user's stream fails visibly").isNotNull();
    }

    @Test
    void row39AnAgentOpeningAStreamIsRefusedByTheProxy() throws Exception {
        RawFrames frames = rogueAgent(TunnelTestKit.testSettings().build());
        Map<String, String> push = new LinkedHashMap<>();
        push.put(":method", "GET");
        push.put(":scheme", "https");
        push.put(":path", "/");
        push.put(":authority", "proxy");
        frames.headers(2, END_HEADERS | END_STREAM, push);
        frames.flush();
        // Push is disabled and agents never open streams: a connection error (GOAWAY) or at least a refused stream.
        RawFrames.Frame answer;
        do {
            answer = frames.read();
        } while (answer.type() != GOAWAY && answer.type() != RST_STREAM);
        assertThat(answer.errorCode()).isIn(RawFrames.PROTOCOL_ERROR, RawFrames.REFUSED_STREAM);
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0 && c != '\n') {
            b.append((char) c);
        }
        return b.toString();
    }
}
