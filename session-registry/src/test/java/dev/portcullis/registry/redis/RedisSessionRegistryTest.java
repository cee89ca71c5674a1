package dev.portcullis.registry.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.registry.AgentLease;
import dev.portcullis.registry.FakeClock;
import dev.portcullis.registry.RedisServerExtension;
import dev.portcullis.registry.RegistryException;
import dev.portcullis.registry.SessionId;
import dev.portcullis.registry.SessionRegistry;
import dev.portcullis.registry.SessionRegistryContractTest;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.RedisClient;

class RedisSessionRegistryTest extends SessionRegistryContractTest {
    @RegisterExtension
    static final RedisServerExtension server = new RedisServerExtension();

    private static final AtomicInteger prefixes = new AtomicInteger();

    /** A raw client to look at and tamper with what the registry stored. */
    private RedisClient raw;
    private RedisKeys keys;

    @Override
    protected SessionRegistry newRegistry(FakeClock clock) {
        // A prefix per test instead of FLUSHDB: tests cannot see each other's keys.
        keys = new RedisKeys("test" + prefixes.incrementAndGet() + ":");
        return new RedisSessionRegistry(config(clock).build());
    }

    private RedisRegistryConfig.Builder config(FakeClock clock) {
        return RedisRegistryConfig.builder()
                .host(server.host())
                .port(server.port())
                .keyPrefix(keys.prefix())
                .poolSize(16)
                .clock(clock);
    }

    @BeforeEach
    void openRawClient() {
        raw = RedisClient.create(server.host(), server.port());
    }

    @AfterEach
    void closeRawClient() {
        raw.close();
    }

    @Override
    protected void assertAgentIndexHolds(SessionId id, String agentId, List<String> agents) {
        for (String agent : agents) {
            assertThat(raw.sismember(keys.agentSessions(agent), id.value()))
                    .as("%s indexed under %s", id, agent)
                    .isEqualTo(agent.equals(agentId));
        }
    }

    @Test
    void keysFollowTheDocumentedLayout() {
        registry.putSession(session("s1", "agent-1", new dev.portcullis.registry.AppSpec("lab", 8888,
                dev.portcullis.registry.AppKind.JUPYTER)));
        registry.renewLease(new AgentLease("agent-1", "node-a", clock.instant().plusSeconds(30)));
        registry.claimTokenId("jti-1", Duration.ofMinutes(1));

        assertThat(raw.get(keys.prefix() + "session:s1")).isEqualTo(
                "{\"id\":\"s1\",\"owner\":\"alice@example.org\",\"agentId\":\"agent-1\","
                        + "\"apps\":[{\"name\":\"lab\",\"port\":8888,\"kind\":\"JUPYTER\"}]}");
        assertThat(raw.smembers(keys.prefix() + "sessions")).containsExactly("s1");
        assertThat(raw.smembers(keys.prefix() + "agent:agent-1:sessions")).containsExactly("s1");
        assertThat(raw.zscore(keys.prefix() + "agent:agent-1:leases", "node-a"))
                .isEqualTo((double) clock.instant().plusSeconds(30).toEpochMilli());
        assertThat(raw.pttl(keys.prefix() + "agent:agent-1:leases")).isBetween(1L, 30_000L);
        assertThat(raw.pttl(keys.prefix() + "jti:jti-1")).isBetween(1L, 60_000L);
    }

    @Test
    void movingASessionRemovesItFromTheOldAgentsSet() {
        registry.putSession(session("s1", "agent-1"));
        registry.putSession(session("s1", "agent-2"));

        assertThat(raw.exists(keys.agentSessions("agent-1"))).isFalse();
        assertThat(raw.smembers(keys.agentSessions("agent-2"))).containsExactly("s1");
    }

    @Test
    void storedValueThatIsNotJsonFailsNamingTheKeyButNotTheValue() {
        String key = keys.session(new SessionId("s1"));
        raw.set(key, "{not json, secret-ish");

        assertThatThrownBy(() -> registry.session(new SessionId("s1")))
                .isInstanceOf(RegistryException.class)
                .hasMessageContaining(key)
                .hasMessageNotContaining("secret-ish");
    }

    @Test
    void storedSessionWithABadFieldFailsNamingTheKey() {
        String key = keys.session(new SessionId("s1"));
        raw.set(key, "{\"id\":\"s1\",\"owner\":\"carol@example.org\",\"agentId\":\"no spaces allowed\",\"apps\":[]}");
        raw.sadd(keys.sessions(), "s1");

        assertThatThrownBy(() -> registry.session(new SessionId("s1")))
                .isInstanceOf(RegistryException.class)
                .hasMessageContaining(key)
                .hasMessageContaining("agent id")
                .hasMessageNotContaining("no spaces allowed");
        assertThatThrownBy(() -> registry.sessions()).isInstanceOf(RegistryException.class).hasMessageContaining(key);
    }

    @Test
    void corruptSessionCanBeOverwrittenAndRemoved() {
        String key = keys.session(new SessionId("s1"));
        raw.set(key, "garbage");

        registry.putSession(session("s1", "agent-1"));
        assertThat(registry.session(new SessionId("s1"))).contains(session("s1", "agent-1"));

        raw.set(key, "garbage");
        assertThat(registry.removeSession(new SessionId("s1"))).isTrue();
        assertThat(registry.sessions()).isEmpty();
        assertThat(registry.sessionsOfAgent("agent-1")).isEmpty();
    }

    @Test
    void redisThatIsDownFailsQuicklyNamingHostAndPortButNotThePassword() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        RedisRegistryConfig down = config(clock)
                .port(closedPort)
                .password("hunter2-password")
                .timeout(Duration.ofMillis(500))
                .build();
        long start = System.nanoTime();
        try (SessionRegistry unreachable = new RedisSessionRegistry(down)) {
            assertThatThrownBy(() -> unreachable.session(new SessionId("s1")))
                    .isInstanceOf(RegistryException.class)
                    .hasMessageContaining("session")
                    .hasMessageContaining("127.0.0.1:" + closedPort)
                    .hasMessageNotContaining("hunter2");
            assertThatThrownBy(() -> unreachable.claimTokenId("jti", Duration.ofMinutes(1)))
                    .isInstanceOf(RegistryException.class)
                    .hasMessageContaining("claimTokenId")
                    .hasMessageContaining("127.0.0.1:" + closedPort);
        }
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
    }

    @Test
    void redisThatNeverAnswersTimesOutNamingHostAndPort() throws IOException {
        // A listening socket nobody accepts from: the kernel completes the handshake, then nothing ever answers.
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            RedisRegistryConfig config =
                    config(clock).port(silent.getLocalPort()).timeout(Duration.ofMillis(300)).build();
            long start = System.nanoTime();
            try (SessionRegistry stuck = new RedisSessionRegistry(config)) {
                assertThatThrownBy(() -> stuck.leases("agent-1"))
                        .isInstanceOf(RegistryException.class)
                        .hasMessageContaining("leases")
                        .hasMessageContaining("127.0.0.1:" + silent.getLocalPort());
            }
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
        }
    }

    @Test
    void wrongPasswordFailsWithoutShowingIt() {
        RedisRegistryConfig wrong = config(clock).password("hunter2-password").build();
        try (SessionRegistry unauthorised = new RedisSessionRegistry(wrong)) {
            assertThatThrownBy(() -> unauthorised.sessions())
                    .isInstanceOf(RegistryException.class)
                    .hasMessageContaining(server.host() + ":" + server.port())
                    .hasMessageNotContaining("hunter2");
        }
    }

    @Test
    void configToStringHidesThePassword() {
        assertThat(config(clock).password("hunter2-password").build().toString())
                .doesNotContain("hunter2")
                .contains("password=***");
    }
}
