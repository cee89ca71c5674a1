package dev.portcullis.proxy.terminal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.WebSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class TerminalBackendTest {
    static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path home;

    TerminalBackend backend;
    OkHttpClient http;

    /** A quiet, predictable bash: no rc files, prompt "$ ". */
    static TerminalConfig testShell(Path dir) {
        return TerminalConfig.builder()
                .command(List.of("/bin/bash", "--norc", "--noprofile", "-i"))
                .env("PS1", "$ ")
                .env("HOME", dir.toString())
                .directory(dir)
                .maxTerminals(2)
                .build();
    }

    @BeforeEach
    void start() {
        backend = TerminalBackend.start("127.0.0.1", 0, testShell(home));
        http = new OkHttpClient.Builder().readTimeout(30, TimeUnit.SECONDS).build();
    }

    @AfterEach
    void stop() {
        http.dispatcher().executorService().shutdown();
        http.connectionPool().evictAll();
        backend.close();
    }

    private RecordingTerminalListener connect(String path) throws Exception {
        RecordingTerminalListener listener = new RecordingTerminalListener();
        http.newWebSocket(new Request.Builder().url("ws://127.0.0.1:" + backend.port() + path).build(), listener);
        return listener;
    }

    @Test
    void commandOutputArrivesAsStdoutFrames() throws Exception {
        RecordingTerminalListener t = connect("/terminals/websocket/1");
        WebSocket ws = t.opened.get(10, TimeUnit.SECONDS);
        t.awaitSetup(WAIT);
        ws.send(TerminadoMessage.stdin("echo hello-$((2+3))\r").toJson());
        t.awaitStdout("hello-5", WAIT);
        assertThat(t.kinds().get(0)).isEqualTo(TerminadoMessage.SETUP);
    }

    @Test
    void setSizeResizesThePty() throws Exception {
        RecordingTerminalListener t = connect("/s/sess-a/term/terminals/websocket/1");
        WebSocket ws = t.opened.get(10, TimeUnit.SECONDS);
        t.awaitSetup(WAIT);
        ws.send(TerminadoMessage.setSize(41, 123).toJson());
        ws.send(TerminadoMessage.stdin("stty size\r").toJson());
        t.awaitStdout("41 123", WAIT);
    }

    @Test
    void processExitSendsDisconnectThenCloses() throws Exception {
        RecordingTerminalListener t = connect("/");
        WebSocket ws = t.opened.get(10, TimeUnit.SECONDS);
        t.awaitSetup(WAIT);
        ws.send(TerminadoMessage.stdin("exit 3\r").toJson());
        assertThat(t.disconnect.get(20, TimeUnit.SECONDS)).isEqualTo(3);
        assertThat(t.closed.get(20, TimeUnit.SECONDS)).startsWith("1000");
        awaitOpenTerminals(0);
    }

    @Test
    void closingTheSocketEndsTheProcess() throws Exception {
        RecordingTerminalListener t = connect("/");
        WebSocket ws = t.opened.get(10, TimeUnit.SECONDS);
        t.awaitSetup(WAIT);
        // The echoed command line shows "pid=$$."; only the output has digits there.
        ws.send(TerminadoMessage.stdin("echo pid=$$.\r").toJson());
        long pid = Long.parseLong(t.awaitStdoutGroup(java.util.regex.Pattern.compile("pid=(\\d+)\\."), WAIT));
        ws.close(1000, "bye");
        awaitOpenTerminals(0);
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
            assertThat(System.nanoTime()).as("shell %d still alive", pid).isLessThan(deadline);
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
    }

    @Test
    void aClientThatDoesNotReadStallsTheShellInsteadOfBufferingItsOutput() throws Exception {
        // Far above what kernel socket buffers can hold (loopback autotuning reaches a few MB per direction).
        long total = 32_000_000;
        try (RawWebSocket ws = RawWebSocket.connect(backend.port(), "/", 32 * 1024, 60_000)) {
            assertThat(TerminadoMessage.parse(ws.read().text()).kind()).isEqualTo(TerminadoMessage.SETUP);
            ws.sendText(TerminadoMessage.stdin("head -c " + total + " /dev/zero | tr '\\0' x; echo; echo done-$((1+1))\r").toJson());
            // Not reading: the backend must stop reading the PTY once its few in-flight frames and the sockets fill.
            long stalled = awaitStable(backend::bytesRead, Duration.ofSeconds(1), Duration.ofSeconds(40));
            assertThat(stalled).as("bytes read from the PTY while the client read nothing").isLessThan(total / 2);
            StringBuilder stdout = new StringBuilder();
            long xs = 0;
            while (stdout.indexOf("done-2") < 0) {
                TerminadoMessage m = TerminadoMessage.parse(ws.read().text());
                if (m.kind().equals(TerminadoMessage.STDOUT)) {
                    String data = m.data();
                    xs += data.chars().filter(c -> c == 'x').count();
                    // Keep only the tail: the command line and the marker, not 32 MB of x.
                    stdout.append(data, Math.max(0, data.length() - 64), data.length());
                    if (stdout.length() > 4096) {
                        stdout.delete(0, stdout.length() - 256);
                    }
                }
            }
            assertThat(xs).isGreaterThanOrEqualTo(total);
        }
    }

    /** Polls until {@code value} has not changed for {@code quiet}; returns it. Fails after {@code timeout}. */
    private static long awaitStable(java.util.function.LongSupplier value, Duration quiet, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        long last = value.getAsLong();
        long since = System.nanoTime();
        while (System.nanoTime() - since < quiet.toNanos()) {
            assertThat(System.nanoTime()).as("value never settled, last %d", last).isLessThan(deadline);
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
            long now = value.getAsLong();
            if (now != last) {
                last = now;
                since = System.nanoTime();
            }
        }
        return last;
    }

    @Test
    void binaryMessageClosesWith1003() throws Exception {
        RecordingTerminalListener t = connect("/");
        WebSocket ws = t.opened.get(10, TimeUnit.SECONDS);
        t.awaitSetup(WAIT);
        ws.send(okio.ByteString.of((byte) 1, (byte) 2));
        assertThat(t.closed.get(20, TimeUnit.SECONDS)).startsWith("1003");
    }

    @Test
    void malformedMessageClosesWith1007() throws Exception {
        RecordingTerminalListener t = connect("/");
        WebSocket ws = t.opened.get(10, TimeUnit.SECONDS);
        t.awaitSetup(WAIT);
        ws.send("{\"not\":\"an array\"}");
        assertThat(t.closed.get(20, TimeUnit.SECONDS)).startsWith("1007").contains("expected a JSON array");
    }

    @Test
    void moreTerminalsThanTheLimitGet503() throws Exception {
        RecordingTerminalListener a = connect("/");
        RecordingTerminalListener b = connect("/");
        a.awaitSetup(WAIT);
        b.awaitSetup(WAIT);
        RecordingTerminalListener c = connect("/");
        assertThat(c.refusedStatus.get(10, TimeUnit.SECONDS)).isEqualTo(503);
    }

    @Test
    void getOfTheBaseRedirectsToTheProxysTerminalPage() throws Exception {
        OkHttpClient noRedirects = http.newBuilder().followRedirects(false).build();
        try (Response r = noRedirects.newCall(new Request.Builder().url("http://127.0.0.1:" + backend.port() + "/s/x/term/").build()).execute()) {
            assertThat(r.code()).isEqualTo(302);
            assertThat(r.header("Location")).isEqualTo(".portcullis/terminal");
        }
    }

    @Test
    void plainHttpGetsAHint() throws Exception {
        try (Response r = http.newCall(new Request.Builder().url("http://127.0.0.1:" + backend.port() + "/x").build()).execute()) {
            assertThat(r.code()).isEqualTo(200);
            assertThat(r.body().string()).contains("terminado");
        }
    }

    private void awaitOpenTerminals(int n) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (backend.openTerminals() != n) {
            assertThat(System.nanoTime()).as("open terminals %d", backend.openTerminals()).isLessThan(deadline);
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        }
    }
}
