package dev.portcullis.loadtests.ws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class WsLoadTest {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

    private String output() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void echoCountsRoundTripsAndSendsTheBearerTokenOnEveryUpgrade() throws Exception {
        try (FakeEchoServer server = new FakeEchoServer(FakeEchoServer.Mode.ECHO)) {
            int code = WsLoad.run(new String[] {"echo", "--url", server.url("/ws"), "--token", "t0k3n",
                "--sockets", "4", "--warmup-seconds", "0", "--seconds", "1", "--size", "100"}, out);

            assertThat(code).isZero();
            assertThat(output()).contains("echo sockets=4 size=100").contains("errors=0");
            assertThat(Long.parseLong(output().replaceAll("(?s).*\\bmsgs=(\\d+).*", "$1"))).isPositive();
            assertThat(server.authorizations).hasSize(4).containsOnly("Bearer t0k3n");
        }
    }

    @Test
    void echoThatComesBackDifferentIsCountedAsErrorsAndFailsTheRun() throws Exception {
        try (FakeEchoServer server = new FakeEchoServer(FakeEchoServer.Mode.GARBLE)) {
            int code = WsLoad.run(new String[] {"echo", "--url", server.url("/ws"),
                "--sockets", "2", "--warmup-seconds", "0", "--seconds", "1"}, out);

            assertThat(code).isEqualTo(1);
            assertThat(output()).doesNotContain("errors=0");
            assertThat(server.authorizations).containsOnly("");
        }
    }

    @Test
    void openReachesEachCheckpointHoldsTheSocketsAndReadsResidentMemory() throws Exception {
        long self = ProcessHandle.current().pid();
        try (FakeEchoServer server = new FakeEchoServer(FakeEchoServer.Mode.ECHO)) {
            int code = WsLoad.run(new String[] {"open", "--url", server.url("/ws"), "--checkpoints", "5,12",
                "--concurrency", "3", "--settle-ms", "0", "--rss-pids", Long.toString(self)}, out);

            assertThat(code).isZero();
            assertThat(output())
                    .containsPattern("idle sockets=0 rss_kib=" + self + ":[1-9]\\d*")
                    .containsPattern("open checkpoint=5 batch=5 ms=\\d+ open=5 failed=0 rss_kib=" + self + ":[1-9]")
                    .containsPattern("open checkpoint=12 batch=7 ms=\\d+ open=12 failed=0");
            assertThat(server.authorizations).hasSize(12);
        }
    }

    @Test
    void openThatTheServerRefusesCountsEveryFailureAndNamesTheFirst() throws Exception {
        try (FakeEchoServer server = new FakeEchoServer(FakeEchoServer.Mode.ECHO)) {
            int code = WsLoad.run(new String[] {"open", "--url", server.url("/not-a-socket"), "--checkpoints", "4",
                "--concurrency", "2", "--settle-ms", "0"}, out);

            assertThat(code).isEqualTo(1);
            assertThat(output()).contains("open=0 failed=4").contains("first failure:");
        }
    }

    @Test
    void badArgumentsAreRefusedNamingTheArgument() {
        assertThatThrownBy(() -> WsLoad.run(new String[] {"echo"}, out))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--url");
        assertThatThrownBy(() -> WsLoad.run(new String[] {"echo", "--url", "http://127.0.0.1:1/ws"}, out))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("expected: a ws:// URL");
        assertThatThrownBy(() -> WsLoad.run(new String[] {"open", "--url", "ws://127.0.0.1:1/ws", "--checkpoints", "9,3"}, out))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ascending");
        assertThatThrownBy(() -> WsLoad.run(new String[] {"flood"}, out))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("expected: echo or open");
    }
}
