package dev.portcullis.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.proxy.cli.TermCommand;
import dev.portcullis.proxy.terminal.RecordingTerminalListener;
import dev.portcullis.proxy.terminal.TerminadoMessage;
import dev.portcullis.proxy.terminal.TerminalBackend;
import dev.portcullis.proxy.terminal.TerminalConfig;
import com.pty4j.PtyProcess;
import com.pty4j.PtyProcessBuilder;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import okhttp3.WebSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The terminal backend behind a real agent and proxy: the browser's and the CLI's path to a shell. */
@Timeout(90)
class ProxyTerminalTest {
    static final Duration WAIT = Duration.ofSeconds(20);
    static final String TERMINAL_PATH = "/s/" + ProxyTestKit.SESSION + "/" + ProxyTestKit.APP + "/terminals/websocket/1";

    @TempDir
    Path dir;

    TerminalBackend backend;
    ProxyTestKit kit;

    @BeforeEach
    void start() throws Exception {
        backend = TerminalBackend.start("127.0.0.1", 0, TerminalConfig.builder()
                .command(List.of("/bin/bash", "--norc", "--noprofile", "-i"))
                .env("PS1", "$ ")
                .directory(dir)
                .build());
        kit = ProxyTestKit.start(backend.port());
    }

    @AfterEach
    void stop() {
        if (kit != null) {
            kit.close();
        }
        backend.close();
    }

    private RecordingTerminalListener connect(String token) {
        RecordingTerminalListener t = new RecordingTerminalListener();
        kit.http.newWebSocket(kit.get(TERMINAL_PATH).header("Authorization", "Bearer " + token).build(), t);
        return t;
    }

    @Test
    void shellRunsThroughTheTunnel() throws Exception {
        RecordingTerminalListener t = connect(kit.accessToken());
        WebSocket ws = t.opened.get(15, TimeUnit.SECONDS);
        t.awaitSetup(WAIT);
        ws.send(TerminadoMessage.stdin("echo hello-$((2+3))\r").toJson());
        t.awaitStdout("hello-5", WAIT);
        ws.send(TerminadoMessage.setSize(37, 101).toJson());
        ws.send(TerminadoMessage.stdin("stty size\r").toJson());
        t.awaitStdout("37 101", WAIT);
        ws.send(TerminadoMessage.stdin("exit\r").toJson());
        assertThat(t.disconnect.get(20, TimeUnit.SECONDS)).isZero();
        assertThat(t.closed.get(20, TimeUnit.SECONDS)).startsWith("1000");
    }

    @Test
    void upgradeWithoutValidTokenIsRefusedBeforeAnyShellStarts() throws Exception {
        RecordingTerminalListener t = connect(kit.accessToken(ProxyTestKit.OTHER_SESSION, ProxyTestKit.APP));
        assertThat(t.refusedStatus.get(15, TimeUnit.SECONDS)).isEqualTo(404);
        assertThat(backend.openTerminals()).isZero();
    }

    @Test
    void cliClientRunsCommandsFromStdinAndExitsZeroWhenTheShellEnds() throws Exception {
        Path tokenFile = Files.writeString(dir.resolve("token"), kit.accessToken() + "\n");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        TermCommand command = new TermCommand(
                new ByteArrayInputStream("echo hello-$((2+3))\nstty size\nexit\n".getBytes(StandardCharsets.UTF_8)));
        int code = new CommandLine(command)
                .setOut(new PrintWriter(out))
                .setErr(new PrintWriter(err))
                .execute("--url", kit.url(TERMINAL_PATH).replace("http://", "ws://"), "--token-file", tokenFile.toString(),
                        "--rows", "30", "--cols", "90");
        // The shell exited, the backend closed with 1000. (EOT at the end of stdin may be lost in typed-ahead input.)
        assertThat(code).as("stderr: %s", err).isZero();
        assertThat(out.toString()).contains("hello-5").contains("30 90");
    }

    /**
     * The CLI as a person runs it: its own process on a real terminal (a PTY), so it switches the terminal to raw
     * mode. Ctrl-C then reaches the remote shell instead of killing the CLI, and the initial size is the terminal's.
     */
    @Test
    void cliOnARealTerminalRunsInRawModeAndSendsCtrlCToTheRemoteShell() throws Exception {
        Path tokenFile = Files.writeString(dir.resolve("token"), kit.accessToken());
        String java = ProcessHandle.current().info().command().orElse("java");
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put("TERM", "xterm");
        PtyProcess cli = new PtyProcessBuilder(new String[] {java, "-cp", classpath, PortcullisMain.class.getName(),
                "term", "--url", kit.url(TERMINAL_PATH).replace("http://", "ws://"), "--token-file", tokenFile.toString()})
                .setEnvironment(env)
                .setDirectory(dir.toString())
                .setInitialRows(33)
                .setInitialColumns(99)
                .setRedirectErrorStream(true)
                .start();
        StringBuffer screen = new StringBuffer();
        Thread reader = new Thread(() -> {
            byte[] buffer = new byte[8192];
            try (InputStream out = cli.getInputStream()) {
                int n;
                while ((n = out.read(buffer)) >= 0) {
                    screen.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
                }
            } catch (IOException e) {
                // The PTY ends with EIO when the process exits.
            }
        }, "cli-screen");
        reader.setDaemon(true);
        reader.start();
        try {
            OutputStream keys = cli.getOutputStream();
            awaitScreen(screen, "$ ");
            keys.write("stty size\r".getBytes(StandardCharsets.US_ASCII));
            keys.flush();
            awaitScreen(screen, "33 99");
            keys.write("sleep 60\r".getBytes(StandardCharsets.US_ASCII));
            keys.flush();
            awaitScreen(screen, "sleep 60");
            // In line mode Ctrl-C would end the CLI; in raw mode it interrupts the remote sleep.
            keys.write(3);
            keys.write("echo after-$((1+1))\r".getBytes(StandardCharsets.US_ASCII));
            keys.flush();
            awaitScreen(screen, "after-2");
            keys.write("exit\r".getBytes(StandardCharsets.US_ASCII));
            keys.flush();
            assertThat(cli.waitFor(30, TimeUnit.SECONDS)).as("CLI exited; screen:%n%s", screen).isTrue();
            assertThat(cli.exitValue()).as("screen:%n%s", screen).isZero();
        } finally {
            cli.destroyForcibly();
        }
    }

    private static void awaitScreen(StringBuffer screen, String text) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (screen.indexOf(text) < 0) {
            assertThat(System.nanoTime()).as("'%s' never on the screen:%n%s", text, screen).isLessThan(deadline);
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
    }

    @Test
    void cliClientWithABadTokenExitsThreeAndSaysWhy() {
        StringWriter err = new StringWriter();
        TermCommand command = new TermCommand(new ByteArrayInputStream(new byte[0]));
        int code = new CommandLine(command)
                .setOut(new PrintWriter(new StringWriter()))
                .setErr(new PrintWriter(err))
                .execute("--url", kit.url(TERMINAL_PATH).replace("http://", "ws://"), "--token", "not-a-jwt");
        assertThat(code).isEqualTo(3);
        assertThat(err.toString()).contains("HTTP 401").contains("unauthorized").doesNotContain("not-a-jwt");
        assertThat(backend.openTerminals()).isZero();
    }
}
