package dev.portcullis.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What every registry's event bus and revocation store owe, on two "nodes": two registry instances over the same
 * shared state (for the in-memory registry, the same instance twice; for Redis, two clients of one redis-server).
 * Revocation expiry is judged by the {@link FakeClock}.
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
public abstract class RegistryEventsContractTest {
    protected static final Duration DELIVERY = Duration.ofSeconds(5);

    protected FakeClock clock;
    protected SessionRegistry node1;
    protected SessionRegistry node2;

    /** A new registry over fresh, empty shared state. */
    protected abstract SessionRegistry newRegistry(FakeClock clock);

    /** Another node over the same shared state as {@code first} (may be {@code first} itself). */
    protected abstract SessionRegistry sameStateAs(SessionRegistry first, FakeClock clock);

    @BeforeEach
    void createNodes() {
        clock = new FakeClock();
        node1 = newRegistry(clock);
        node2 = sameStateAs(node1, clock);
    }

    @AfterEach
    void closeNodes() {
        node1.close();
        if (node2 != node1) {
            node2.close();
        }
    }

    protected static RegistryEvent next(BlockingQueue<RegistryEvent> queue) throws InterruptedException {
        RegistryEvent e = queue.poll(DELIVERY.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(e).as("an event within " + DELIVERY).isNotNull();
        return e;
    }

    private Revocation userRevocation(String user, Instant at) {
        return new Revocation(Revocation.Kind.USER, user, at, at.plus(Duration.ofHours(1)));
    }

    @Test
    void everyEventPublishedOnOneNodeReachesTheListenersOfBothNodes() throws Exception {
        BlockingQueue<RegistryEvent> on1 = new LinkedBlockingQueue<>();
        BlockingQueue<RegistryEvent> on2 = new LinkedBlockingQueue<>();
        try (AutoCloseable a = node1.events().subscribe(on1::add); AutoCloseable b = node2.events().subscribe(on2::add)) {
            RegistryEvent revoked = new RegistryEvent.Revoked(userRevocation("alice@example.org", clock.instant()));
            RegistryEvent kick = new RegistryEvent.Kick(RegistryEvent.Kick.Target.SESSION, "s1", "lab");
            RegistryEvent kickUser = new RegistryEvent.Kick(RegistryEvent.Kick.Target.USER, "bob", null);
            RegistryEvent removed = new RegistryEvent.SessionRemoved(new SessionId("s2"));
            node1.events().publish(revoked);
            node1.events().publish(kick);
            node2.events().publish(kickUser);
            node2.events().publish(removed);

            for (BlockingQueue<RegistryEvent> q : java.util.List.of(on1, on2)) {
                assertThat(java.util.List.of(next(q), next(q), next(q), next(q)))
                        .containsExactlyInAnyOrder(revoked, kick, kickUser, removed);
            }
        }
    }

    @Test
    void aClosedSubscriptionGetsNothingMore() throws Exception {
        BlockingQueue<RegistryEvent> gone = new LinkedBlockingQueue<>();
        BlockingQueue<RegistryEvent> kept = new LinkedBlockingQueue<>();
        AutoCloseable closed = node2.events().subscribe(gone::add);
        try (AutoCloseable k = node2.events().subscribe(kept::add)) {
            closed.close();
            RegistryEvent kick = new RegistryEvent.Kick(RegistryEvent.Kick.Target.CONNECTION, "node-1-7", null);
            node1.events().publish(kick);

            assertThat(next(kept)).isEqualTo(kick);
            assertThat(gone).isEmpty();
        }
    }

    @Test
    void resubscribedIsLocalAndCannotBePublished() {
        assertThatThrownBy(() -> node1.events().publish(new RegistryEvent.Resubscribed()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aRevokedUserIsRefusedOnEveryNodeForCredentialsIssuedBeforeTheRevocation() {
        Instant at = clock.instant();
        node1.revocations().revoke(userRevocation("alice@example.org", at));

        SessionId s1 = new SessionId("s1");
        assertThat(node2.revocations().find("j1", "alice@example.org", s1, at.minusSeconds(1)))
                .hasValueSatisfying(r -> assertThat(r.kind()).isEqualTo(Revocation.Kind.USER));
        assertThat(node2.revocations().find(null, "alice@example.org", null, null)).as("unknown issue time").isPresent();
        assertThat(node2.revocations().find("j2", "alice@example.org", s1, at)).as("issued at the revocation").isEmpty();
        assertThat(node2.revocations().find("j1", "bob", s1, at.minusSeconds(1))).as("another user").isEmpty();
    }

    @Test
    void aRevokedSessionIsRefusedForCredentialsIssuedBefore() {
        Instant at = clock.instant();
        node1.revocations().revoke(new Revocation(Revocation.Kind.SESSION, "s1", at, at.plusSeconds(60)));

        assertThat(node2.revocations().find("j1", "alice", new SessionId("s1"), at.minusMillis(1))).isPresent();
        assertThat(node2.revocations().find("j1", "alice", new SessionId("s2"), at.minusMillis(1))).isEmpty();
        assertThat(node2.revocations().find("j1", "alice", new SessionId("s1"), at.plusSeconds(1))).isEmpty();
    }

    @Test
    void aRevokedTokenIdIsRefusedWhateverItsIssueTimeUntilTheRevocationEnds() {
        Instant at = clock.instant();
        node1.revocations().revoke(new Revocation(Revocation.Kind.TOKEN, "jti-1", at, at.plusSeconds(60)));

        assertThat(node2.revocations().find("jti-1", "alice", new SessionId("s1"), at.plusSeconds(5))).isPresent();
        assertThat(node2.revocations().find("jti-2", "alice", new SessionId("s1"), at.plusSeconds(5))).isEmpty();

        clock.advance(Duration.ofSeconds(61));
        assertThat(node2.revocations().find("jti-1", "alice", new SessionId("s1"), at)).isEmpty();
    }

    @Test
    void theLaterRevocationOfAUserWins() {
        Instant later = clock.instant();
        node1.revocations().revoke(userRevocation("alice", later));
        node2.revocations().revoke(userRevocation("alice", later.minusSeconds(30)));

        assertThat(node1.revocations().find(null, "alice", null, later.minusSeconds(10)))
                .hasValueSatisfying(r -> assertThat(r.at()).isEqualTo(later));
    }

    @Test
    void nothingIsRefusedWithoutRevocations() {
        assertThat(node1.revocations().find("jti", "alice", new SessionId("s1"), null)).isEmpty();
        assertThat(node1.revocations().find(null, null, null, null)).isEmpty();
    }
}
