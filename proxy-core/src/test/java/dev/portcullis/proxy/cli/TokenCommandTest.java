package dev.portcullis.proxy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.proxy.auth.DemoKeys;
import dev.portcullis.proxy.auth.JjwtTokenVerifier;
import dev.portcullis.proxy.auth.KeySet;
import dev.portcullis.proxy.auth.TokenClass;
import dev.portcullis.proxy.auth.TokenSettings;
import dev.portcullis.proxy.auth.VerifiedToken;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code portcullis token} mints every class as the proxy verifies it, admin included. */
class TokenCommandTest {
    @TempDir
    Path dir;

    @Test
    void mintsAnAdminTokenTheProxyAcceptsOnlyAsAdmin() throws Exception {
        DemoKeys.generate(dir.resolve("jwks.json"), dir.resolve("private.jwk"));
        String token = run("--private-jwk", dir.resolve("private.jwk").toString(), "--class", "admin",
                "--subject", "control-plane", "--issuer", "https://manager.test");
        JjwtTokenVerifier verifier = new JjwtTokenVerifier(TokenSettings.builder().issuer("https://manager.test")
                .agentAudience("portcullis-tunnel").keySet(KeySet.fromJwksFile(dir.resolve("jwks.json"))).build());

        VerifiedToken admin = verifier.verify(token, TokenClass.ADMIN);
        assertThat(admin.subject()).isEqualTo("control-plane");
        assertThat(Duration.between(java.time.Instant.now(), admin.expiresAt())).isBetween(Duration.ofMinutes(4), Duration.ofMinutes(5));
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> verifier.verify(token, TokenClass.ACCESS))).isNotNull();
    }

    @Test
    void launchTokensDefaultToTheTwoMinuteLimit() throws Exception {
        DemoKeys.generate(dir.resolve("jwks.json"), dir.resolve("private.jwk"));
        String token = run("--private-jwk", dir.resolve("private.jwk").toString(), "--class", "launch",
                "--subject", "alice", "--session", "s1", "--app", "lab", "--issuer", "i");
        JjwtTokenVerifier verifier = new JjwtTokenVerifier(TokenSettings.builder().issuer("i")
                .agentAudience("portcullis-tunnel").keySet(KeySet.fromJwksFile(dir.resolve("jwks.json"))).build());
        assertThat(verifier.verify(token, TokenClass.LAUNCH).app()).isEqualTo("lab");
    }

    private static String run(String... args) {
        StringWriter out = new StringWriter();
        CommandLine cli = new CommandLine(new TokenCommand());
        cli.setOut(new PrintWriter(out));
        assertThat(cli.execute(args)).isZero();
        return out.toString().trim();
    }
}
