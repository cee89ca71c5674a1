package dev.portcullis.proxy.internal;

import static java.util.Objects.requireNonNull;

import dev.portcullis.registry.AgentLease;
import dev.portcullis.registry.RegistryException;
import dev.portcullis.registry.SessionRegistry;
import dev.portcullis.tunnel.Tunnel;
import dev.portcullis.tunnel.TunnelServer;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps "agent X is connected to this node" leases in the registry: renewed at once when an agent's first tunnel comes
 * up and every heartbeat while any of its tunnels is up, released when its last tunnel goes down. Tunnel events arrive
 * on event loops and hop to {@code scheduler} (registry calls block), which must be single-threaded so that an
 * agent's up and down events keep their order; the maps are also guarded by this object's lock for {@link #close()}.
 *
 * <p>Thread-safe.
 */
public final class LeaseKeeper implements TunnelServer.Listener, AutoCloseable {
    private static final Logger logger = LoggerFactory.getLogger(LeaseKeeper.class);

    private final SessionRegistry registry;
    private final String nodeId;
    private final Duration ttl;
    private final Duration heartbeat;
    private final Clock clock;
    private final ScheduledExecutorService scheduler;
    private final Map<String, Integer> tunnelsUp = new HashMap<>();
    private final Map<String, ScheduledFuture<?>> renewals = new HashMap<>();

    public LeaseKeeper(SessionRegistry registry, String nodeId, Duration ttl, Duration heartbeat, Clock clock,
            ScheduledExecutorService scheduler) {
        this.registry = requireNonNull(registry, "registry");
        this.nodeId = requireNonNull(nodeId, "nodeId");
        this.ttl = requireNonNull(ttl, "ttl");
        this.heartbeat = requireNonNull(heartbeat, "heartbeat");
        this.clock = requireNonNull(clock, "clock");
        this.scheduler = requireNonNull(scheduler, "scheduler");
    }

    @Override
    public void onTunnelUp(Tunnel tunnel) {
        String agent = tunnel.agentId();
        scheduler.execute(() -> {
            synchronized (this) {
                int n = tunnelsUp.merge(agent, 1, Integer::sum);
                if (n == 1) {
                    renewals.put(agent, scheduler.scheduleAtFixedRate(
                            () -> renew(agent), 0, heartbeat.toMillis(), TimeUnit.MILLISECONDS));
                }
            }
        });
    }

    @Override
    public void onTunnelDown(Tunnel tunnel) {
        String agent = tunnel.agentId();
        scheduler.execute(() -> {
            synchronized (this) {
                Integer n = tunnelsUp.computeIfPresent(agent, (k, v) -> v > 1 ? v - 1 : null);
                if (n != null) {
                    return;
                }
                ScheduledFuture<?> f = renewals.remove(agent);
                if (f != null) {
                    f.cancel(false);
                }
            }
            try {
                registry.releaseLease(agent, nodeId);
                logger.info("{} lease released: last tunnel down", agent);
            } catch (RegistryException e) {
                logger.warn("{} releasing the lease failed (it expires by itself): {}", agent, e.getMessage());
            }
        });
    }

    private void renew(String agent) {
        synchronized (this) {
            if (!renewals.containsKey(agent)) {
                return;
            }
        }
        try {
            registry.renewLease(new AgentLease(agent, nodeId, clock.instant().plus(ttl)));
        } catch (RegistryException e) {
            logger.warn("{} renewing the lease failed: {}", agent, e.getMessage());
        }
    }

    /** Releases every lease this node holds (a clean shutdown). */
    @Override
    public synchronized void close() {
        for (var e : renewals.entrySet()) {
            e.getValue().cancel(false);
            try {
                registry.releaseLease(e.getKey(), nodeId);
            } catch (RegistryException ex) {
                logger.warn("{} releasing the lease failed: {}", e.getKey(), ex.getMessage());
            }
        }
        renewals.clear();
        tunnelsUp.clear();
    }
}
