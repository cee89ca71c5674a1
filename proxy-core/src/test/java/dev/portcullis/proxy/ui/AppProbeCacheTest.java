package dev.portcullis.proxy.ui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.proxy.forward.Admission;
import dev.portcullis.proxy.forward.AppProbe;
import dev.portcullis.proxy.route.Route;
import dev.portcullis.registry.AppKind;
import dev.portcullis.registry.AppSpec;
import dev.portcullis.registry.FakeClock;
import dev.portcullis.registry.SessionId;
import dev.portcullis.registry.SessionRecord;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class AppProbeCacheTest {
    private final FakeClock clock = new FakeClock();
    private final RecordingProber prober = new RecordingProber();
    private final AppProbeCache cache = new AppProbeCache(prober, clock, Duration.ofSeconds(3), 3);

    @Test
    void concurrentRequestsShareOneProbeInFlightAndItsAnswer() {
        CompletableFuture<AppProbe.State> first = cache.probe(admission("s1", "agent-1", 8080), "http", "h");
        CompletableFuture<AppProbe.State> second = cache.probe(admission("s1", "agent-1", 8080), "http", "h");
        assertThat(prober.calls).hasSize(1);
        assertThat(second).isNotDone();
        prober.calls.get(0).complete(AppProbe.State.READY);
        assertThat(first).isCompletedWithValue(AppProbe.State.READY);
        assertThat(second).isCompletedWithValue(AppProbe.State.READY);
    }

    @Test
    void anAnswerIsReusedForTheTtlThenTheAppIsAskedAgain() {
        prober.answer = AppProbe.State.STARTING;
        assertThat(cache.probe(admission("s1", "agent-1", 8080), "http", "h")).isCompletedWithValue(AppProbe.State.STARTING);
        prober.answer = AppProbe.State.READY;
        clock.advance(Duration.ofMillis(2999));
        assertThat(cache.probe(admission("s1", "agent-1", 8080), "http", "h")).isCompletedWithValue(AppProbe.State.STARTING);
        clock.advance(Duration.ofMillis(1));
        assertThat(cache.probe(admission("s1", "agent-1", 8080), "http", "h")).isCompletedWithValue(AppProbe.State.READY);
        assertThat(prober.calls).hasSize(2);
    }

    @Test
    void anotherAgentOrAppPortIsProbedAfresh() {
        prober.answer = AppProbe.State.READY;
        cache.probe(admission("s1", "agent-1", 8080), "http", "h");
        cache.probe(admission("s1", "agent-2", 8080), "http", "h");
        cache.probe(admission("s1", "agent-2", 9090), "http", "h");
        assertThat(prober.calls).hasSize(3);
    }

    @Test
    void aFailingProbeCountsAsStarting() {
        prober.answer = null;
        prober.failure = new IllegalStateException("boom");
        assertThat(cache.probe(admission("s1", "agent-1", 8080), "http", "h")).isCompletedWithValue(AppProbe.State.STARTING);
    }

    @Test
    void theCacheStaysWithinItsBound() {
        prober.answer = AppProbe.State.READY;
        for (int i = 0; i < 10; i++) {
            cache.probe(admission("s" + i, "agent-1", 8080), "http", "h");
            assertThat(cache.size()).isLessThanOrEqualTo(3);
        }
        assertThat(prober.calls).hasSize(10);
    }

    @Test
    void badSettingsAreRefusedWithTheValue() {
        assertThatThrownBy(() -> new AppProbeCache(prober, clock, Duration.ZERO, 3)).hasMessage("ttl: PT0S (expected: > 0)");
        assertThatThrownBy(() -> new AppProbeCache(prober, clock, Duration.ofSeconds(1), 0))
                .hasMessage("maxEntries: 0 (expected: > 0)");
    }

    private static Admission admission(String sid, String agent, int port) {
        AppSpec app = new AppSpec("app", port, AppKind.HTTP);
        SessionId id = new SessionId(sid);
        return new Admission(new Route(id, "app", Route.pathPrefix(id, "app"), Route.Mode.PATH),
                new SessionRecord(id, "alice", agent, List.of(app)), app, false);
    }

    /** Records every probe; answers at once with {@code answer} or {@code failure}, else leaves it pending. */
    private static final class RecordingProber implements AppProbeCache.Prober {
        final List<CompletableFuture<AppProbe.State>> calls = new ArrayList<>();
        AppProbe.State answer;
        RuntimeException failure;

        @Override
        public CompletableFuture<AppProbe.State> probe(Admission admission, String scheme, String authority) {
            if (failure != null) {
                throw failure;
            }
            CompletableFuture<AppProbe.State> f = new CompletableFuture<>();
            if (answer != null) {
                f.complete(answer);
            }
            calls.add(f);
            return f;
        }
    }
}
