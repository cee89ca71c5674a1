package dev.portcullis.tunnel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * SECURITY row 1 (direct access to a compute node): the agent accepts no inbound connection, because it opens no
 * listening socket at all. The test lists the TCP sockets in LISTEN state that belong to this JVM (Linux /proc: the
 * socket inodes of /proc/self/fd joined with /proc/net/tcp{,6}) before and after an agent connects and serves a
 * stream; the only listeners are the ones the test itself started (the proxy side and the app).
 */
@Timeout(30)
class AgentListensNowhereTest {

    @Test
    void runningAgentAddsNoListeningSocket() throws Exception {
        assumeTrue(Files.isReadable(Path.of("/proc/net/tcp")) && Files.isDirectory(Path.of("/proc/self/fd")), "Linux /proc");
        try (TunnelTestKit kit = TunnelTestKit.serverOnly(TunnelTestKit.testSettings().build());
                RawApp app = new RawApp((s, head) -> s.getOutputStream().write(
                        RawApp.ascii("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok")))) {
            Set<Long> before = listeningInodesOfThisProcess();
            kit.apps().put("s1", "lab", app.port());
            kit.startAgent(2);
            kit.awaitTunnelUp();
            kit.awaitTunnelUp();
            RecordingStreamListener r = RecordingStreamListener.open(kit.tunnel(),
                    TunnelHeaders.request("GET", "/", "https", "s1-lab", "s1", "lab", app.port(), null), true);
            assertThat(r.headers().get(10, java.util.concurrent.TimeUnit.SECONDS).status().toString()).isEqualTo("200");
            assertThat(listeningInodesOfThisProcess()).as("listening sockets with the agent running").isEqualTo(before);
        }
    }

    private static Set<Long> listeningInodesOfThisProcess() throws IOException {
        Set<Long> mine = new HashSet<>();
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : (Iterable<Path>) fds::iterator) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("socket:[")) {
                        mine.add(Long.parseLong(target.substring(8, target.length() - 1)));
                    }
                } catch (IOException gone) {
                    // the fd closed while listing
                }
            }
        }
        Set<Long> listening = new HashSet<>();
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            Path p = Path.of(table);
            if (!Files.isReadable(p)) {
                continue;
            }
            List<String> lines = Files.readAllLines(p);
            for (String line : lines.subList(1, lines.size())) {
                String[] f = line.trim().split("\\s+");
                // columns: sl local rem st tx:rx tr:when retrnsmt uid timeout inode; st 0A = LISTEN
                if (f.length > 9 && f[3].equals("0A")) {
                    long inode = Long.parseLong(f[9]);
                    if (mine.contains(inode)) {
                        listening.add(inode);
                    }
                }
            }
        }
        return listening;
    }
}
