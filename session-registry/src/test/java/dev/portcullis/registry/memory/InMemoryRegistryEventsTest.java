package dev.portcullis.registry.memory;

import dev.portcullis.registry.FakeClock;
import dev.portcullis.registry.RegistryEventsContractTest;
import dev.portcullis.registry.SessionRegistry;

class InMemoryRegistryEventsTest extends RegistryEventsContractTest {
    @Override
    protected SessionRegistry newRegistry(FakeClock clock) {
        return new InMemorySessionRegistry(clock);
    }

    @Override
    protected SessionRegistry sameStateAs(SessionRegistry first, FakeClock clock) {
        return first; // one JVM: the nodes share the instance
    }
}
