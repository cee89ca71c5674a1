package dev.portcullis.proxy.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.registry.FakeClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CachingTokenVerifierTest {
    private final FakeClock clock = new FakeClock();
    private final RecordingVerifier delegate = new RecordingVerifier();
    private final CachingTokenVerifier verifier = new CachingTokenVerifier(delegate, clock, Duration.ofSeconds(10), 3);

    @Test
    void anAccessTokenIsVerifiedOnceWithinTheTtl() throws Exception {
        delegate.expiresAt = clock.instant().plus(Duration.ofHours(1));
        VerifiedToken first = verifier.verify("token-a", TokenClass.ACCESS);
        VerifiedToken again = verifier.verify("token-a", TokenClass.ACCESS);
        assertThat(again).isEqualTo(first);
        assertThat(delegate.calls).containsExactly("token-a");

        clock.advance(Duration.ofSeconds(10));
        verifier.verify("token-a", TokenClass.ACCESS);
        assertThat(delegate.calls).containsExactly("token-a", "token-a");
    }

    @Test
    void anEntryNeverOutlivesTheTokensExp() throws Exception {
        delegate.expiresAt = clock.instant().plus(Duration.ofSeconds(3));
        verifier.verify("short", TokenClass.ACCESS);
        clock.advance(Duration.ofSeconds(3));
        delegate.reject = true; // what the real verifier says about an expired token
        assertThatThrownBy(() -> verifier.verify("short", TokenClass.ACCESS)).isInstanceOf(TokenRejectedException.class);
        assertThat(delegate.calls).hasSize(2);
    }

    @Test
    void rejectionsAndOtherTokenClassesAreNeverCached() throws Exception {
        delegate.reject = true;
        assertThatThrownBy(() -> verifier.verify("bad", TokenClass.ACCESS)).isInstanceOf(TokenRejectedException.class);
        assertThatThrownBy(() -> verifier.verify("bad", TokenClass.ACCESS)).isInstanceOf(TokenRejectedException.class);
        delegate.reject = false;
        delegate.expiresAt = clock.instant().plus(Duration.ofHours(1));
        verifier.verify("launch", TokenClass.LAUNCH);
        verifier.verify("launch", TokenClass.LAUNCH);
        assertThat(delegate.calls).containsExactly("bad", "bad", "launch", "launch");
        assertThat(verifier.size()).isZero();
    }

    @Test
    void theCacheStaysWithinItsBound() throws Exception {
        delegate.expiresAt = clock.instant().plus(Duration.ofHours(1));
        for (int i = 0; i < 10; i++) {
            verifier.verify("token-" + i, TokenClass.ACCESS);
            assertThat(verifier.size()).isLessThanOrEqualTo(3);
        }
    }

    /** Records the tokens it is asked about; accepts them (as ACCESS tokens until {@link #expiresAt}) or rejects all. */
    private static final class RecordingVerifier implements TokenVerifier {
        final List<String> calls = new ArrayList<>();
        Instant expiresAt;
        boolean reject;

        @Override
        public VerifiedToken verify(String token, TokenClass expected) throws TokenRejectedException {
            calls.add(token);
            if (reject) {
                throw new TokenRejectedException(TokenRejectedException.Reason.EXPIRED, "rejected by the test");
            }
            return new VerifiedToken(expected, "alice", "sess-a", "app", "jti-" + token, expiresAt);
        }
    }
}
