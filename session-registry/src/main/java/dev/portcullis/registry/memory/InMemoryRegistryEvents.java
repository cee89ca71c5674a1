package dev.portcullis.registry.memory;

import dev.portcullis.registry.EventListeners;
import dev.portcullis.registry.RegistryEvent;
import dev.portcullis.registry.RegistryEvents;
import java.util.function.Consumer;

/**
 * {@link RegistryEvents} inside one JVM: {@link #publish} calls every listener on the publishing thread, in
 * subscription order. Every proxy node sharing one {@link InMemorySessionRegistry} (tests, the demo) shares this bus.
 * Thread-safe.
 */
public final class InMemoryRegistryEvents implements RegistryEvents {
    private final EventListeners listeners = new EventListeners();

    @Override
    public void publish(RegistryEvent event) {
        EventListeners.checkPublishable(event);
        listeners.deliver(event);
    }

    @Override
    public AutoCloseable subscribe(Consumer<RegistryEvent> listener) {
        return listeners.add(listener);
    }
}
