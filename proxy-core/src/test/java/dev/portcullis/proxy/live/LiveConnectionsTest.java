package dev.portcullis.proxy.live;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.registry.Revocation;
import dev.portcullis.registry.SessionId;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.xnio.OptionMap;
import org.xnio.Xnio;
import org.xnio.XnioIoThread;
import org.xnio.XnioWorker;

/** The table's own rules, on a real XNIO I/O thread (the thread connections are registered and closed on). */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class LiveConnectionsTest {
    private static final SessionId S1 = new SessionId("s1");
    private final XnioWorker worker = worker();
    private final XnioIoThread io = worker.getIoThread();
    private final ScheduledExecutorService sweeper = Executors.newSingleThreadScheduledExecutor();
    private final LiveConnections table = new LiveConnections("node-1", Clock.systemUTC(), Duration.ofMillis(50), sweeper);

    private static XnioWorker worker() {
        try {
            return Xnio.getInstance().createWorker(OptionMap.EMPTY);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @AfterEach
    void stop() {
        worker.shutdownNow();
        sweeper.shutdownNow();
    }

    /** Registers on the I/O thread, as the forwarders do, with a closer that completes {@code closed}. */
    private LiveConnection register(Credential credential, CompletableFuture<String> closed) throws Exception {
        return register(table, credential, closed);
    }

    private LiveConnection register(LiveConnections table, Credential credential, CompletableFuture<String> closed)
            throws Exception {
        CompletableFuture<LiveConnection> registered = new CompletableFuture<>();
        io.execute(() -> {
            LiveConnection c = table.register(LiveConnection.Kind.WEBSOCKET, "alice", S1, "lab",
                    new InetSocketAddress("127.0.0.1", 4000), credential, io);
            c.closer(closed::complete);
            registered.complete(c);
        });
        return registered.get(5, TimeUnit.SECONDS);
    }

    @Test
    void aConnectionRegisteredJustAfterARevocationIsClosedToo() throws Exception {
        Instant now = Instant.now();
        // The gate looked the store up before the revocation was written; the bus delivered it before registration.
        table.remember(new Revocation(Revocation.Kind.USER, "alice", now.plusSeconds(1), now.plusSeconds(60)));
        CompletableFuture<String> closed = new CompletableFuture<>();

        LiveConnection c = register(new Credential("alice", "j1", now, now.plusSeconds(600)), closed);

        assertThat(closed.get(5, TimeUnit.SECONDS)).isEqualTo("revoked (user)");
        assertThat(c.id()).startsWith("node-1-");
        assertThat(c.remote()).isEqualTo("127.0.0.1:4000");
    }

    @Test
    void aCredentialPastItsExpiryPlusTheGraceClosesTheConnection() throws Exception {
        CompletableFuture<String> closed = new CompletableFuture<>();

        register(new Credential("alice", "j1", Instant.now(), Instant.now().plusMillis(100)), closed);

        assertThat(closed.get(5, TimeUnit.SECONDS)).isEqualTo("credential expired");
    }

    @Test
    void theSweepClosesOnlyConnectionsPastTheirExpiryPlusTheGrace() throws Exception {
        LiveConnections handSwept = handSwept();
        Instant now = Instant.now();
        CompletableFuture<String> expired = new CompletableFuture<>();
        CompletableFuture<String> inGrace = new CompletableFuture<>();
        register(handSwept, new Credential("alice", "j1", now.minusSeconds(61), now.minusSeconds(1)), expired);
        register(handSwept, new Credential("alice", "j2", now, now.plusSeconds(600)), inGrace);

        assertThat(handSwept.sweepExpired()).isEqualTo(1);

        assertThat(expired.get(5, TimeUnit.SECONDS)).isEqualTo("credential expired");
        assertThat(handSwept.sweepExpired()).as("a connection already closing is not counted again").isZero();
        assertThat(inGrace).isNotDone();
    }

    @Test
    void anEndedConnectionLeavesTheTableAndTheSweepPassesItBy() throws Exception {
        LiveConnections handSwept = handSwept();
        Instant now = Instant.now();
        CompletableFuture<String> closed = new CompletableFuture<>();
        LiveConnection c = register(handSwept, new Credential("alice", "j1", now.minusSeconds(61), now.minusSeconds(1)), closed);
        assertThat(handSwept.snapshot()).containsExactly(c);

        CompletableFuture<Void> ended = new CompletableFuture<>();
        io.execute(() -> {
            c.ended();
            ended.complete(null);
        });
        ended.get(5, TimeUnit.SECONDS);

        assertThat(handSwept.snapshot()).isEmpty();
        assertThat(handSwept.sweepExpired()).isZero();
        assertThat(closed).isNotDone();
    }

    /** A table whose periodic sweep never runs (its scheduler is shut down): the test sweeps by hand. */
    private static LiveConnections handSwept() {
        ScheduledExecutorService stopped = Executors.newSingleThreadScheduledExecutor();
        LiveConnections t = new LiveConnections("node-1", Clock.systemUTC(), Duration.ofMillis(50), stopped);
        stopped.shutdownNow();
        return t;
    }

    @Test
    void closingTwiceCountsOnce() throws Exception {
        CompletableFuture<String> closed = new CompletableFuture<>();
        register(new Credential("alice", "j1", Instant.now(), Instant.now().plusSeconds(600)), closed);

        assertThat(table.close(c -> c.user().equals("alice"), "kicked")).isEqualTo(1);
        assertThat(table.close(c -> c.user().equals("alice"), "kicked")).isZero();
        assertThat(closed.get(5, TimeUnit.SECONDS)).isEqualTo("kicked");
    }
}
