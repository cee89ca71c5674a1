package dev.portcullis.tunnel.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ReconnectPolicyTest {
    private final ReconnectPolicy policy = ReconnectPolicy.defaults();

    @Test
    void delaysStayWithinTheFullJitterCeiling() {
        for (int failures = 0; failures < 40; failures++) {
            long ceiling = Math.min(30_000, 200L << Math.min(failures, 20));
            for (int i = 0; i < 200; i++) {
                assertThat(policy.delay(failures, Duration.ZERO).toMillis()).isBetween(0L, ceiling);
            }
        }
    }

    @Test
    void delaysAreSpreadNotFixed() {
        long distinct = java.util.stream.IntStream.range(0, 100)
                .mapToLong(i -> policy.delay(10, Duration.ZERO).toMillis()).distinct().count();
        assertThat(distinct).isGreaterThan(50);
    }

    @Test
    void retryAfterHintIsAFloor() {
        for (int i = 0; i < 100; i++) {
            assertThat(policy.delay(0, Duration.ofSeconds(7))).isGreaterThanOrEqualTo(Duration.ofSeconds(7));
        }
    }

    @Test
    void capBelowBaseIsRejected() {
        assertThatThrownBy(() -> new ReconnectPolicy(Duration.ofSeconds(2), Duration.ofSeconds(1), Duration.ZERO))
                .hasMessageContaining("cap: PT1S");
    }
}
