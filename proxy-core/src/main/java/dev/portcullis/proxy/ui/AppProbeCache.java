package dev.portcullis.proxy.ui;

import static java.util.Objects.requireNonNull;

import dev.portcullis.proxy.forward.Admission;
import dev.portcullis.proxy.forward.AppProbe;
import dev.portcullis.proxy.internal.ExpiringEntries;
import dev.portcullis.registry.AppSpec;
import dev.portcullis.registry.SessionId;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * The dashboard's readiness probes ({@link AppProbe}), remembered per app for {@code ttl} from the moment a probe
 * starts: concurrent and repeated dashboard requests within that time share one probe (in flight or done), so a
 * refresh storm opens at most one tunnel stream per app per {@code ttl}. The key is the session, its agent and the
 * app as the registry holds them, so a reassigned agent or a moved app port is probed afresh. Bounded
 * ({@link ExpiringEntries}): past {@code maxEntries} the expired entries are dropped, and if that frees nothing the
 * cache starts over.
 *
 * <p>Thread-safe; never blocks (a probe's future completes on a tunnel event loop or the JDK's delayer thread).
 */
final class AppProbeCache {
    /** Asks one app whether it answers; {@code AppProbe::probe} in production. */
    @FunctionalInterface
    interface Prober {
        CompletableFuture<AppProbe.State> probe(Admission admission, String scheme, String authority);
    }

    private record Key(SessionId session, String agent, AppSpec app) {}

    private final Prober prober;
    private final Clock clock;
    private final ExpiringEntries<Key, CompletableFuture<AppProbe.State>> entries;

    AppProbeCache(Prober prober, Clock clock, Duration ttl, int maxEntries) {
        this.prober = requireNonNull(prober, "prober");
        this.clock = requireNonNull(clock, "clock");
        this.entries = new ExpiringEntries<>(ttl, maxEntries);
    }

    /**
     * The admitted app's state: a remembered probe's if one started less than {@code ttl} ago, else a new probe's. A
     * probe that fails (it should not) counts as {@link AppProbe.State#STARTING}. Never completes exceptionally.
     */
    CompletableFuture<AppProbe.State> probe(Admission admission, String scheme, String authority) {
        Key key = new Key(admission.session().id(), admission.session().agentId(), admission.app());
        return entries.getOrCompute(key, clock.instant(), () -> start(admission, scheme, authority));
    }

    /** Number of remembered probes (for tests). */
    int size() {
        return entries.size();
    }

    private CompletableFuture<AppProbe.State> start(Admission admission, String scheme, String authority) {
        CompletableFuture<AppProbe.State> probe;
        try {
            probe = prober.probe(admission, scheme, authority);
        } catch (RuntimeException e) {
            probe = CompletableFuture.failedFuture(e);
        }
        return probe.exceptionally(failure -> AppProbe.State.STARTING);
    }
}
