package dev.portcullis.registry;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The listener list of a {@link RegistryEvents} implementation: subscription handles, delivery in subscription order
 * (a listener that throws is logged and does not stop the others), and the publish-side argument check. Thread-safe.
 */
public final class EventListeners {
    private static final Logger logger = LoggerFactory.getLogger(EventListeners.class);

    private final List<Consumer<RegistryEvent>> listeners = new CopyOnWriteArrayList<>();

    /** Adds {@code listener} until the returned handle is closed (each handle removes its own subscription). */
    public AutoCloseable add(Consumer<RegistryEvent> listener) {
        requireNonNull(listener, "listener");
        Consumer<RegistryEvent> entry = listener::accept;
        listeners.add(entry);
        return () -> listeners.remove(entry);
    }

    /** Calls every listener with {@code event} on this thread. */
    public void deliver(RegistryEvent event) {
        for (Consumer<RegistryEvent> listener : listeners) {
            try {
                listener.accept(event);
            } catch (RuntimeException e) {
                logger.warn("a registry event listener failed on {}", event, e);
            }
        }
    }

    /** Throws unless {@code event} may be published ({@link RegistryEvent.Resubscribed} is local only). */
    public static void checkPublishable(RegistryEvent event) {
        requireNonNull(event, "event");
        if (event instanceof RegistryEvent.Resubscribed) {
            throw new IllegalArgumentException("event: Resubscribed (expected: an event other nodes can act on)");
        }
    }
}
