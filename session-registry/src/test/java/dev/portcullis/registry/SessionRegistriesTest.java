package dev.portcullis.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.registry.memory.InMemorySessionRegistry;
import dev.portcullis.registry.redis.RedisRegistryConfig;
import dev.portcullis.registry.redis.RedisSessionRegistry;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(value = 20, unit = TimeUnit.SECONDS)
class SessionRegistriesTest {
    @RegisterExtension
    static final RedisServerExtension server = new RedisServerExtension();

    private final FakeClock clock = new FakeClock();

    @Test
    void memorySpecCreatesAnInMemoryRegistry() {
        try (SessionRegistry registry = SessionRegistries.create("memory:", clock)) {
            assertThat(registry).isInstanceOf(InMemorySessionRegistry.class);
        }
    }

    @Test
    void redisSpecCreatesARegistryThatWorks() {
        try (SessionRegistry registry = SessionRegistries.create(server.uri().toString() + "/3", clock)) {
            assertThat(registry).isInstanceOf(RedisSessionRegistry.class);
            SessionRecord s = new SessionRecord(new SessionId("s1"), "alice", "agent-1", List.of());
            registry.putSession(s);
            assertThat(registry.session(s.id())).contains(s);
            assertThat(registry.removeSession(s.id())).isTrue();
        }
    }

    @Test
    void redisUriGivesHostPortDatabaseAndCredentials() {
        RedisRegistryConfig config =
                SessionRegistries.redisConfig(URI.create("redis://:s3cret@redis.internal:6380/2"), clock);
        assertThat(config.host()).isEqualTo("redis.internal");
        assertThat(config.port()).isEqualTo(6380);
        assertThat(config.database()).isEqualTo(2);
        assertThat(config.user()).isEmpty();
        assertThat(config.password()).contains("s3cret");
        assertThat(config.tls()).isFalse();
        assertThat(config.connectTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(config.keyPrefix()).isEqualTo("portcullis:");
        assertThat(config.clock()).isSameAs(clock);
    }

    @Test
    void redissUriWithUserAndDefaultsTurnsOnTls() {
        RedisRegistryConfig config = SessionRegistries.redisConfig(URI.create("rediss://proxy:pw@[::1]"), clock);
        assertThat(config.tls()).isTrue();
        assertThat(config.host()).isEqualTo("::1");
        assertThat(config.port()).isEqualTo(6379);
        assertThat(config.database()).isZero();
        assertThat(config.user()).contains("proxy");
        assertThat(config.password()).contains("pw");
        assertThat(config.address()).isEqualTo("[::1]:6379");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "", "memory", "memory:x", "mysql://:hunter2@db:3306", "redis://:hunter2@", "redis://:hunter2@h:6379/x",
        "redis://:hunter2@h:6379/1?prefix=x", "redis://:hunter2@h:99999", "redis://:hunter2@h:6379/0#f", "not a uri"
    })
    void badSpecIsRejectedNamingItWithoutThePassword(String spec) {
        assertThatThrownBy(() -> SessionRegistries.create(spec, clock))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("expected: memory: or redis://")
                .hasMessageNotContaining("hunter2");
    }

    @Test
    void badSpecMessageShowsTheRedactedSpec() {
        assertThatThrownBy(() -> SessionRegistries.create("redis://:hunter2@h:6379/x", clock))
                .hasMessageContaining("\"redis://***@h:6379/x\"")
                .hasMessageContaining("database");
    }
}
