package dev.portcullis.proxy.auth;

import java.time.Clock;
import java.time.Duration;

/**
 * A quick loop (not JMH) for the cost of the identity header: a fresh ES256 signature, a cached assertion, and for
 * scale the access-token verification the gate already does on every request. Run with
 * {@code loadtests/bench/identity-signing.sh}; figures in BENCHMARKS.md. Not a test: timings never assert.
 */
public final class IdentitySigningBench {
    private IdentitySigningBench() {}

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        IdentityAssertions identity = IdentityAssertions.generated("bench", Duration.ofSeconds(60), Clock.systemUTC());
        TestKeys keys = new TestKeys();
        TokenSettings settings = keys.settings().clock(Clock.systemUTC()).build();
        JjwtTokenVerifier verifier = new JjwtTokenVerifier(settings);
        String access = new TokenMinter(keys.ec.getPrivate(), "ec-1", TokenAlgorithm.ES256, settings)
                .mint(TokenClass.ACCESS, "alice", "s1", "lab", Duration.ofHours(1));
        long sink = 0;
        for (int round = 0; round < 3; round++) { // the first rounds warm the JIT up
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                sink += identity.assertion("user-" + round + "-" + i, "s1", "lab").length(); // a miss: signs
            }
            long t1 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                sink += identity.assertion("user-" + round + "-" + (i % 100), "s1", "lab").length(); // hits
            }
            long t2 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                sink += verifier.verify(access, TokenClass.ACCESS).subject().length();
            }
            long t3 = System.nanoTime();
            System.out.printf("round %d: sign (cache miss) %.1f us/op, cached %.2f us/op, verify access token (ES256)"
                    + " %.1f us/op%n", round, (t1 - t0) / 1e3 / n, (t2 - t1) / 1e3 / n, (t3 - t2) / 1e3 / n);
        }
        System.out.println("(checksum " + sink + ")");
    }
}
