package dev.portcullis.registry.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.registry.FakeClock;
import dev.portcullis.registry.RedisServerExtension;
import dev.portcullis.registry.RegistryEvent;
import dev.portcullis.registry.RegistryEventsContractTest;
import dev.portcullis.registry.SessionId;
import dev.portcullis.registry.SessionRegistry;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.args.ClientType;
import redis.clients.jedis.params.ClientKillParams;

/** The contract on two RedisSessionRegistry instances (two nodes) over one real redis-server, plus Redis faults. */
class RedisRegistryEventsTest extends RegistryEventsContractTest {
    @RegisterExtension
    static final RedisServerExtension server = new RedisServerExtension();

    private static final AtomicInteger prefixes = new AtomicInteger();
    private String prefix;

    @Override
    protected SessionRegistry newRegistry(FakeClock clock) {
        prefix = "events" + prefixes.incrementAndGet() + ":";
        return sameStateAs(null, clock);
    }

    @Override
    protected SessionRegistry sameStateAs(SessionRegistry first, FakeClock clock) {
        return new RedisSessionRegistry(RedisRegistryConfig.builder()
                .host(server.host()).port(server.port()).keyPrefix(prefix).poolSize(4).clock(clock).build());
    }

    @Test
    void aDroppedSubscriberConnectionResubscribesAndSaysSo() throws Exception {
        BlockingQueue<RegistryEvent> on2 = new LinkedBlockingQueue<>();
        try (AutoCloseable s = node2.events().subscribe(on2::add); Jedis raw = new Jedis(server.host(), server.port())) {
            // What a Redis restart or a network cut does to the subscriber's connection.
            assertThat(raw.clientKill(ClientKillParams.clientKillParams().type(ClientType.PUBSUB))).isPositive();

            assertThat(next(on2)).isInstanceOf(RegistryEvent.Resubscribed.class);
            RegistryEvent removed = new RegistryEvent.SessionRemoved(new SessionId("s9"));
            node1.events().publish(removed);
            assertThat(next(on2)).isEqualTo(removed);
        }
    }

    @Test
    void aSubscriberConnectionThatGoesSilentIsDroppedAndResubscribed() throws Exception {
        BlockingQueue<RegistryEvent> events = new LinkedBlockingQueue<>();
        try (RedisClient client = RedisClient.create(server.host(), server.port());
                RedisRegistryEvents bus = new RedisRegistryEvents(client, prefix + "events", "test",
                        java.time.Duration.ofSeconds(2), java.time.Duration.ofMillis(200));
                AutoCloseable s = bus.subscribe(events::add);
                Jedis raw = new Jedis(server.host(), server.port())) {
            // Redis stops answering every client (the PINGs too) for a while: a half-open connection, as seen from
            // the subscriber, until the watchdog drops it.
            raw.clientPause(1500, redis.clients.jedis.args.ClientPauseMode.ALL);

            assertThat(next(events)).isInstanceOf(RegistryEvent.Resubscribed.class);
            RegistryEvent kick = new RegistryEvent.Kick(RegistryEvent.Kick.Target.USER, "erin", null);
            bus.publish(kick);
            assertThat(next(events)).isEqualTo(kick);
        }
    }

    @Test
    void aMalformedMessageOnTheChannelIsSkipped() throws Exception {
        BlockingQueue<RegistryEvent> on2 = new LinkedBlockingQueue<>();
        try (AutoCloseable s = node2.events().subscribe(on2::add); RedisClient raw = RedisClient.create(server.host(), server.port())) {
            raw.publish(prefix + "events", "{\"type\":\"kick\",\"target\":\"nobody\"}");
            raw.publish(prefix + "events", "not json");
            RegistryEvent kick = new RegistryEvent.Kick(RegistryEvent.Kick.Target.USER, "carol", null);
            node1.events().publish(kick);

            assertThat(next(on2)).isEqualTo(kick);
        }
    }

    @Test
    void revocationsAreStoredUnderDocumentedKeysThatExpire() {
        java.time.Instant at = clock.instant();
        node1.revocations().revoke(new dev.portcullis.registry.Revocation(
                dev.portcullis.registry.Revocation.Kind.USER, "alice", at, at.plusSeconds(60)));
        try (RedisClient raw = RedisClient.create(server.host(), server.port())) {
            String key = prefix + "revoked:user:alice";
            assertThat(raw.get(key)).isEqualTo(at.toEpochMilli() + ":" + at.plusSeconds(60).toEpochMilli());
            assertThat(raw.pttl(key)).isBetween(1L, 60_000L);
        }
    }
}
