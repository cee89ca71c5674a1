package dev.portcullis.registry.memory;

import dev.portcullis.registry.FakeClock;
import dev.portcullis.registry.SessionRegistry;
import dev.portcullis.registry.SessionRegistryContractTest;

class InMemorySessionRegistryTest extends SessionRegistryContractTest {
    @Override
    protected SessionRegistry newRegistry(FakeClock clock) {
        return new InMemorySessionRegistry(clock);
    }
}
