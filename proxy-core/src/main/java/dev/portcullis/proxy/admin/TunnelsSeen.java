package dev.portcullis.proxy.admin;

import static java.util.Objects.requireNonNull;

import dev.portcullis.tunnel.Tunnel;
import dev.portcullis.tunnel.TunnelServer;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Remembers when each of this node's tunnels came up (for the admin API's {@code since}), then passes the event on.
 * Callbacks run on tunnel event loops: map operations only. Thread-safe.
 */
public final class TunnelsSeen implements TunnelServer.Listener {
    private final TunnelServer.Listener next;
    private final Clock clock;
    private final Map<Tunnel, Instant> since = new ConcurrentHashMap<>();

    public TunnelsSeen(TunnelServer.Listener next, Clock clock) {
        this.next = requireNonNull(next, "next");
        this.clock = requireNonNull(clock, "clock");
    }

    @Override
    public void onTunnelUp(Tunnel tunnel) {
        since.put(tunnel, clock.instant());
        next.onTunnelUp(tunnel);
    }

    @Override
    public void onTunnelDown(Tunnel tunnel) {
        since.remove(tunnel);
        next.onTunnelDown(tunnel);
    }

    /** When {@code tunnel} came up, or null if unknown. */
    Instant since(Tunnel tunnel) {
        return since.get(tunnel);
    }
}
