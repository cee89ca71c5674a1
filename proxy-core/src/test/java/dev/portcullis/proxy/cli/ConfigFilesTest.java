package dev.portcullis.proxy.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.proxy.ProxyConfig;
import dev.portcullis.proxy.auth.DemoKeys;
import dev.portcullis.proxy.auth.JwksKeySource;
import dev.portcullis.proxy.auth.TokenAlgorithm;
import dev.portcullis.proxy.auth.TokenClass;
import dev.portcullis.proxy.auth.TokenSettings;
import dev.portcullis.registry.SessionRecord;
import dev.portcullis.tunnel.AppTable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@org.junit.jupiter.api.Timeout(30)
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
        assertThat(config.cookieMaxAge()).isEqualTo(Duration.ofHours(1));
        assertThat(config.cookieAbsoluteMaxAge()).isEqualTo(Duration.ofHours(12));
        assertThat(config.identityKeyFile()).contains(dir.resolve("identity.key"));
        assertThat(config.identityTtl()).isEqualTo(Duration.ofSeconds(60));
        assertThat(config.tokenSettings().issuer()).isEqualTo("https://manager.example.com");
        assertThat(config.tokenSettings().audienceFor(TokenClass.LAUNCH)).isEqualTo("portcullis");
        assertThat(config.tokenSettings().agentAudience()).isEqualTo("portcullis-tunnel");
        assertThat(config.tokenSettings().adminAudience()).isEqualTo("portcullis-admin");
        assertThat(config.tokenSettings().maxLaunchLifetime()).isEqualTo(Duration.ofMinutes(2));
        // One file for all classes: one source, read once.
        assertThat(config.tokenSettings().keySources()).singleElement()
                .isInstanceOfSatisfying(JwksKeySource.class, s -> assertThat(s.refreshInterval()).isEqualTo(Duration.ofMinutes(5)));
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

    @Test
    void perClassKeysFromAUrlAndAnHmacSecretAreKeptApart() throws Exception {
        DemoKeys.generate(dir.resolve("jwks.json"), dir.resolve("private.json"));
        Files.write(dir.resolve("admin.key"), new byte[32]);
        try (MockWebServer controlPlane = new MockWebServer()) {
            controlPlane.start();
            controlPlane.enqueue(new MockResponse.Builder().body(Files.readString(dir.resolve("jwks.json"))).build());
            Path file = write("proxy.yaml", "tunnel: {tls-cert: c, tls-key: k}\n"
                    + "tokens:\n  issuer: i\n  jwks-file: jwks.json\n"
                    + "  agent: {jwks-url: '" + controlPlane.url("/agent-jwks") + "', refresh-interval: PT1M, algorithm: ES256}\n"
                    + "  admin: {audience: ops, hmac-secret-file: admin.key, hmac-kid: a1}\n");

            TokenSettings settings = ProxyFile.read(file).toConfig(dir).tokenSettings();

            assertThat(settings.keySources()).hasSize(3);
            assertThat(settings.allowedAlgorithms(TokenClass.AGENT)).containsExactly(TokenAlgorithm.ES256);
            assertThat(settings.allowedAlgorithms(TokenClass.ADMIN)).containsExactly(TokenAlgorithm.HS256);
            assertThat(settings.allowedAlgorithms(TokenClass.ACCESS)).doesNotContain(TokenAlgorithm.HS256);
            assertThat(settings.keySet(TokenClass.ADMIN).kids()).containsExactly("a1");
            assertThat(settings.adminAudience()).isEqualTo("ops");
            assertThat(controlPlane.takeRequest().getTarget()).isEqualTo("/agent-jwks");
            JwksKeySource.closeAll(settings.keySources());
        }
    }

    @Test
    void audienceSetFlatAndInTheClassBlockIsAnError() throws IOException {
        DemoKeys.generate(dir.resolve("jwks.json"), dir.resolve("private.json"));
        Path file = write("proxy.yaml", "tunnel: {tls-cert: c, tls-key: k}\n"
                + "tokens: {issuer: i, jwks-file: jwks.json, agent-audience: a, agent: {audience: b}}\n");

        assertThatThrownBy(() -> ProxyFile.read(file).toConfig(dir))
                .isInstanceOf(ConfigException.class)
                .hasMessage("tokens.agent.audience and tokens.agent-audience: both set (expected: one)");
    }

    @Test
    void unknownKeyInAClassBlockAndHs256WithoutASecretAreErrors() throws IOException {
        DemoKeys.generate(dir.resolve("jwks.json"), dir.resolve("private.json"));
        Path typo = write("typo.yaml", "tokens: {issuer: i, jwks-file: jwks.json, admin: {audiance: x}}\n");
        assertThatThrownBy(() -> ProxyFile.read(typo)).isInstanceOf(ConfigException.class).hasMessageContaining("audiance");
        Path hs = write("hs.yaml", "tunnel: {tls-cert: c, tls-key: k}\n"
                + "tokens: {issuer: i, jwks-file: jwks.json, access: {algorithm: HS256}}\n");
        assertThatThrownBy(() -> ProxyFile.read(hs).toConfig(dir))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("tokens.access.algorithm: HS256 (expected: one of RS256, ES256, EdDSA");
        Path nowhere = write("nowhere.yaml", "tunnel: {tls-cert: c, tls-key: k}\ntokens: {issuer: i}\n");
        assertThatThrownBy(() -> ProxyFile.read(nowhere).toConfig(dir))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("tokens.jwks-file or tokens.jwks-url: missing");
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
