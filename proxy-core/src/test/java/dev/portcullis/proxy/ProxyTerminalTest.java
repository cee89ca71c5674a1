package dev.portcullis.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.proxy.cli.TermCommand;
import dev.portcullis.proxy.terminal.RecordingTerminalListener;
import dev.portcullis.proxy.terminal.TerminadoMessage;
import dev.portcullis.proxy.terminal.TerminalBackend;
import dev.portcullis.proxy.terminal.TerminalConfig;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
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
