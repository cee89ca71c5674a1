package dev.portcullis.proxy.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.proxy.ProxyConfig;
import dev.portcullis.proxy.auth.DemoKeys;
import dev.portcullis.registry.SessionRecord;
import dev.portcullis.tunnel.AppTable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigFilesTest {
    @TempDir
    Path dir;

    @Test
    void exampleProxyConfigParsesWithItsKeysRelocated() throws IOException {
        String yaml = Files.readString(Path.of("..", "configs", "proxy.yaml"))
                .replace("/etc/portcullis/", "")
                .replace("#   ", "  ")
                .replace("# sessions:", "sessions:");
        DemoKeys.generate(dir.resolve("jwks.json"), dir.resolve("private.json"));
        Files.write(dir.resolve("cookie.key"), new byte[32]);
        Path file = write("proxy.yaml", yaml);

        ProxyFile f = ProxyFile.read(file);
        ProxyConfig config = f.toConfig(dir);

        assertThat(config.nodeId()).isEqualTo("proxy-1");
        assertThat(config.publicPort()).isEqualTo(8080);
        assertThat(config.tunnelPort()).isEqualTo(8443);
        assertThat(config.tunnelTlsCert()).isEqualTo(dir.resolve("tunnel.crt"));
        assertThat(config.adminHost()).isEqualTo("127.0.0.1");
        assertThat(config.leaseTtl()).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.cookieMaxAge()).isEqualTo(Duration.ofHours(8));
        assertThat(config.tokenSettings().issuer()).isEqualTo("https://manager.example.com");
        assertThat(config.tokenSettings().adminAudience()).isEqualTo("portcullis-admin");
        assertThat(config.revocationTtl()).isEqualTo(Duration.ofHours(24));
        assertThat(config.expiryGrace()).isEqualTo(Duration.ofSeconds(30));
        assertThat(f.registrySpec()).isEqualTo("redis://127.0.0.1:6379/0");
        assertThat(config.publicLimits()).isEqualTo(dev.portcullis.proxy.PublicLimits.defaults());
        assertThat(config.allowedOrigins()).isEmpty();
        List<SessionRecord> sessions = f.staticSessions();
        assertThat(sessions).singleElement().satisfies(s -> {
            assertThat(s.owner()).isEqualTo("alice");
            assertThat(s.app("lab")).get().satisfies(a -> assertThat(a.port()).isEqualTo(8888));
        });
    }

    @Test
    void exampleAgentConfigFillsTheAppTable() throws IOException {
        Path file = write("agent.yaml", Files.readString(Path.of("..", "configs", "agent.yaml")));

        AgentFile f = AgentFile.read(file);
        AppTable table = new AppTable();
        f.fill(table);

        assertThat(f.requireProxies()).hasSize(2);
        assertThat(table.port("demo", "lab")).hasValue(8888);
        assertThat(table.port("demo", "term")).hasValue(7681);
        assertThat(table.port("other", "lab")).isEmpty();
    }

    @Test
    void unknownKeyIsAnErrorNamingIt() throws IOException {
        Path file = write("proxy.yaml", "tunnel:\n  prot: 8443\n");

        assertThatThrownBy(() -> ProxyFile.read(file))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("proxy.yaml")
                .hasMessageContaining("prot");
    }

    @Test
    void badDurationSaysWhatWasExpected() throws IOException {
        Path file = write("proxy.yaml", "tunnel: {tls-cert: c, tls-key: k}\nlease: {ttl: 30s}\n"
                + "tokens: {issuer: i, audience: a, agent-audience: b, jwks-file: jwks.json}\n");
        DemoKeys.generate(dir.resolve("jwks.json"), dir.resolve("private.json"));

        assertThatThrownBy(() -> ProxyFile.read(file).toConfig(dir))
                .isInstanceOf(ConfigException.class)
                .hasMessage("lease.ttl: 30s (expected: an ISO-8601 duration such as PT30S)");
    }

    @Test
    void missingTunnelCertificateIsNamed() throws IOException {
        Path file = write("proxy.yaml", "tunnel: {port: 8443}\n");

        assertThatThrownBy(() -> ProxyFile.read(file).toConfig(dir))
                .isInstanceOf(ConfigException.class)
                .hasMessage("tunnel.tls-cert: missing (expected: a value)");
    }

    @Test
    void invalidStaticSessionIsNamedByIndex() throws IOException {
        Path file = write("proxy.yaml", "sessions:\n  - {id: Bad_Id, owner: a, agent: n, apps: []}\n");

        assertThatThrownBy(() -> ProxyFile.read(file).staticSessions())
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("sessions[0]: session id: \"Bad_Id\"");
    }

    @Test
    void agentAppWithABadPortIsNamed() throws IOException {
        Path file = write("agent.yaml", "proxies: [{host: p, port: 8443}]\napps:\n  - {session: s, app: web, port: 70000}\n");

        assertThatThrownBy(() -> AgentFile.read(file).fill(new AppTable()))
                .isInstanceOf(ConfigException.class)
                .hasMessage("apps[0]: app port: 70000 (expected: 1-65535)");
    }

    private Path write(String name, String content) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, content);
        return p;
    }

    @Test
    void badLimitsAndOriginsAreNamed() throws IOException {
        Path limits = write("proxy.yaml", "tunnel: {tls-cert: c, tls-key: k}\nlimits: {max-connections-per-ip: 0}\n");
        assertThatThrownBy(() -> ProxyFile.read(limits).toConfig(dir)).hasMessageContaining("maxConnectionsPerIp: 0");
        Path origins = write("proxy.yaml", "tunnel: {tls-cert: c, tls-key: k}\nallowed-origins: [\"https://a.example/path\"]\n");
        assertThatThrownBy(() -> ProxyFile.read(origins).toConfig(dir)).hasMessageContaining("https://a.example/path");
    }
}
