package dev.portcullis.registry;

import java.util.function.Consumer;

/**
 * The registry's fleet-wide event bus: an event published on one proxy node reaches the listeners of every node
 * sharing the registry (the publisher's own included), at most once and without persistence: a node that was
 * disconnected misses it, which is why revocations are also stored ({@link Revocations}) and why a bus that
 * reconnects delivers {@link RegistryEvent.Resubscribed}.
 *
 * <p>{@link #publish} may block (a Redis round trip): never call it on an I/O thread. Listeners run on the bus's own
 * thread (Redis) or the publisher's (in-memory), so they must not block either: hop to where the work belongs.
 * Thread-safe.
 */
public interface RegistryEvents {
    /**
     * Sends {@code event} to every node. {@link RegistryEvent.Resubscribed} is local and refused here.
     *
     * @throws RegistryException if it could not be sent
     */
    void publish(RegistryEvent event);

    /** Adds a listener until the returned handle is closed. */
    AutoCloseable subscribe(Consumer<RegistryEvent> listener);
}
