package dev.portcullis.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The behaviour every {@link SessionRegistry} owes, run against each implementation by a subclass that says how to
 * make one. Lease expiry is driven by a {@link FakeClock}; token-id TTLs may be judged by that clock or by the
 * store's own time (Redis PX), so the TTL test advances the clock and then waits, with a deadline, for the claim to
 * open again.
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
public abstract class SessionRegistryContractTest {
    private static final Duration LEASE = Duration.ofSeconds(30);

    protected FakeClock clock;
    protected SessionRegistry registry;

    /** A new, empty registry judging time by {@code clock}. The test closes it. */
    protected abstract SessionRegistry newRegistry(FakeClock clock);

    @BeforeEach
    void createRegistry() {
        clock = new FakeClock();
        registry = newRegistry(clock);
    }

    @AfterEach
    void closeRegistry() {
        registry.close();
    }

    protected static SessionRecord session(String id, String agent, AppSpec... apps) {
        return new SessionRecord(new SessionId(id), "alice@example.org", agent, List.of(apps));
    }

    private static final AppSpec LAB = new AppSpec("lab", 8888, AppKind.JUPYTER);
    private static final AppSpec TERM = new AppSpec("term", 7681, AppKind.TERMINAL);

    @Test
    void unknownSessionIsEmpty() {
        assertThat(registry.session(new SessionId("nope"))).isEmpty();
        assertThat(registry.sessions()).isEmpty();
        assertThat(registry.sessionsOfAgent("agent-1")).isEmpty();
    }

    @Test
    void putSessionCanBeReadBackWithAllItsApps() {
        SessionRecord s = session("s1", "agent-1", LAB, TERM, new AppSpec("web", 3000, AppKind.HTTP));
        registry.putSession(s);

        assertThat(registry.session(s.id())).contains(s);
    }

    @Test
    void putSessionReplacesTheSessionWithTheSameId() {
        registry.putSession(session("s1", "agent-1", LAB));
        SessionRecord replacement = new SessionRecord(new SessionId("s1"), "bob", "agent-1", List.of(TERM));
        registry.putSession(replacement);

        assertThat(registry.session(new SessionId("s1"))).contains(replacement);
        assertThat(registry.sessions()).containsExactly(replacement);
        assertThat(registry.sessionsOfAgent("agent-1")).containsExactly(replacement);
    }

    @Test
    void removeSessionReturnsWhetherItExistedAndForgetsIt() {
        SessionRecord s = session("s1", "agent-1", LAB);
        registry.putSession(s);

        assertThat(registry.removeSession(s.id())).isTrue();
        assertThat(registry.removeSession(s.id())).isFalse();
        assertThat(registry.session(s.id())).isEmpty();
        assertThat(registry.sessions()).isEmpty();
        assertThat(registry.sessionsOfAgent("agent-1")).isEmpty();
    }

    @Test
    void sessionsListsEverySession() {
        SessionRecord a = session("a", "agent-1", LAB);
        SessionRecord b = session("b", "agent-2", LAB);
        SessionRecord c = session("c", "agent-1");
        registry.putSession(a);
        registry.putSession(b);
        registry.putSession(c);

        assertThat(registry.sessions()).containsExactlyInAnyOrder(a, b, c);
    }

    @Test
    void sessionsOfAgentListsOnlyThatAgentsSessions() {
        SessionRecord a = session("a", "agent-1", LAB);
        SessionRecord b = session("b", "agent-2", LAB);
        SessionRecord c = session("c", "agent-1", TERM);
        registry.putSession(a);
        registry.putSession(b);
        registry.putSession(c);

        assertThat(registry.sessionsOfAgent("agent-1")).containsExactlyInAnyOrder(a, c);
        assertThat(registry.sessionsOfAgent("agent-2")).containsExactly(b);
        assertThat(registry.sessionsOfAgent("agent-3")).isEmpty();
    }

    @Test
    void sessionMovedToAnotherAgentIsListedOnlyUnderTheNewAgent() {
        registry.putSession(session("s1", "agent-1", LAB));
        SessionRecord moved = session("s1", "agent-2", LAB);
        registry.putSession(moved);

        assertThat(registry.sessionsOfAgent("agent-1")).isEmpty();
        assertThat(registry.sessionsOfAgent("agent-2")).containsExactly(moved);
        assertThat(registry.sessions()).containsExactly(moved);
    }

    @Test
    void concurrentMovesLeaveTheSessionUnderExactlyOneAgent() throws Exception {
        int threads = 8;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> writers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                String agent = "agent-" + (t % 4);
                writers.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < 25; i++) {
                        registry.putSession(session("s1", agent, LAB));
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> writer : writers) {
                writer.get(10, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        SessionRecord last = registry.session(new SessionId("s1")).orElseThrow();
        for (int a = 0; a < 4; a++) {
            String agent = "agent-" + a;
            assertThat(registry.sessionsOfAgent(agent)).isEqualTo(
                    agent.equals(last.agentId()) ? List.of(last) : List.of());
        }
        assertThat(registry.sessions()).containsExactly(last);
        assertAgentIndexHolds(new SessionId("s1"), last.agentId(), List.of("agent-0", "agent-1", "agent-2", "agent-3"));
    }

    /**
     * Hook for stores with an agent index: asserts {@code id} is indexed under {@code agentId} and none of
     * {@code others}. The default does nothing (the in-memory registry has no index to get wrong).
     */
    protected void assertAgentIndexHolds(SessionId id, String agentId, List<String> others) {}

    @Test
    void leaseIsLiveUntilItExpiresByTheClock() {
        Instant expiry = clock.instant().plus(LEASE);
        registry.renewLease(new AgentLease("agent-1", "node-a", expiry));

        assertThat(registry.leases("agent-1")).containsExactly(new AgentLease("agent-1", "node-a", expiry));

        clock.advance(LEASE.minusMillis(1));
        assertThat(registry.leases("agent-1")).hasSize(1);

        clock.advance(Duration.ofMillis(1));
        assertThat(registry.leases("agent-1")).isEmpty();
    }

    @Test
    void renewLeaseKeepsTheLaterExpiry() {
        Instant later = clock.instant().plus(LEASE);
        registry.renewLease(new AgentLease("agent-1", "node-a", later));
        registry.renewLease(new AgentLease("agent-1", "node-a", clock.instant().plusSeconds(5)));

        assertThat(registry.leases("agent-1")).containsExactly(new AgentLease("agent-1", "node-a", later));
    }

    @Test
    void renewLeaseExtendsAnExpiringLease() {
        registry.renewLease(new AgentLease("agent-1", "node-a", clock.instant().plusSeconds(5)));
        Instant extended = clock.instant().plus(LEASE);
        registry.renewLease(new AgentLease("agent-1", "node-a", extended));

        clock.advance(Duration.ofSeconds(10));
        assertThat(registry.leases("agent-1")).containsExactly(new AgentLease("agent-1", "node-a", extended));
    }

    @Test
    void twoNodesHoldIndependentLeasesForOneAgent() {
        AgentLease a = new AgentLease("agent-1", "node-a", clock.instant().plusSeconds(10));
        AgentLease b = new AgentLease("agent-1", "node-b", clock.instant().plus(LEASE));
        registry.renewLease(a);
        registry.renewLease(b);
        registry.renewLease(new AgentLease("agent-2", "node-a", clock.instant().plus(LEASE)));

        assertThat(registry.leases("agent-1")).containsExactlyInAnyOrder(a, b);

        clock.advance(Duration.ofSeconds(10));
        assertThat(registry.leases("agent-1")).containsExactly(b);
    }

    @Test
    void releaseLeaseRemovesOnlyThatNodesLease() {
        AgentLease a = new AgentLease("agent-1", "node-a", clock.instant().plus(LEASE));
        AgentLease b = new AgentLease("agent-1", "node-b", clock.instant().plus(LEASE));
        registry.renewLease(a);
        registry.renewLease(b);

        registry.releaseLease("agent-1", "node-a");
        registry.releaseLease("agent-1", "node-unknown");
        registry.releaseLease("agent-unknown", "node-a");

        assertThat(registry.leases("agent-1")).containsExactly(b);
    }

    @Test
    void leaseRenewedAfterItExpiredIsLiveAgain() {
        registry.renewLease(new AgentLease("agent-1", "node-a", clock.instant().plusSeconds(1)));
        clock.advance(Duration.ofSeconds(2));
        assertThat(registry.leases("agent-1")).isEmpty();

        AgentLease renewed = new AgentLease("agent-1", "node-a", clock.instant().plus(LEASE));
        registry.renewLease(renewed);
        assertThat(registry.leases("agent-1")).containsExactly(renewed);
    }

    @Test
    void claimTokenIdIsTrueOnceThenFalse() {
        assertThat(registry.claimTokenId("jti-1", Duration.ofMinutes(5))).isTrue();
        assertThat(registry.claimTokenId("jti-1", Duration.ofMinutes(5))).isFalse();
        assertThat(registry.claimTokenId("jti-1", Duration.ofMinutes(5))).isFalse();
        assertThat(registry.claimTokenId("jti-2", Duration.ofMinutes(5))).isTrue();
    }

    @Test
    void claimTokenIdIsTrueAgainAfterTheTtl() {
        Duration ttl = Duration.ofMillis(300);
        assertThat(registry.claimTokenId("jti-ttl", ttl)).isTrue();
        assertThat(registry.claimTokenId("jti-ttl", ttl)).isFalse();

        clock.advance(ttl);
        assertThat(eventually(() -> registry.claimTokenId("jti-ttl", Duration.ofMinutes(5)), Duration.ofSeconds(3)))
                .as("claim open again within 3 s of a 300 ms TTL")
                .isTrue();
        assertThat(registry.claimTokenId("jti-ttl", ttl)).isFalse();
    }

    @Test
    void claimTokenIdFromSixteenThreadsHasExactlyOneWinner() throws Exception {
        int threads = 16;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Boolean>> results = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                Callable<Boolean> claim = () -> {
                    start.await();
                    return registry.claimTokenId("jti-race", Duration.ofMinutes(5));
                };
                results.add(pool.submit(claim));
            }
            start.countDown();
            int winners = 0;
            for (Future<Boolean> result : results) {
                winners += result.get(10, TimeUnit.SECONDS) ? 1 : 0;
            }
            assertThat(winners).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void claimTokenIdRejectsAnEmptyIdAndANonPositiveTtl() {
        assertThatThrownBy(() -> registry.claimTokenId("", Duration.ofMinutes(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> registry.claimTokenId("x".repeat(TokenIds.MAX_LENGTH + 1), Duration.ofMinutes(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> registry.claimTokenId("jti", Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
    }

    /** Polls {@code condition} until it holds or {@code deadline} passes; the wait between polls is not the point. */
    protected static boolean eventually(BooleanSupplier condition, Duration deadline) {
        long end = System.nanoTime() + deadline.toNanos();
        while (true) {
            if (condition.getAsBoolean()) {
                return true;
            }
            if (System.nanoTime() - end > 0) {
                return false;
            }
            LockSupport.parkNanos(Duration.ofMillis(10).toNanos());
        }
    }
}
