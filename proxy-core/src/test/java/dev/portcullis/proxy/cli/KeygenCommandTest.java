package dev.portcullis.proxy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.proxy.PortcullisMain;
import dev.portcullis.proxy.auth.JjwtTokenVerifier;
import dev.portcullis.proxy.auth.KeySet;
import dev.portcullis.proxy.auth.TokenClass;
import dev.portcullis.proxy.auth.TokenSettings;
import dev.portcullis.proxy.auth.VerifiedToken;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class KeygenCommandTest {
    @TempDir
    Path dir;

    @Test
    void keygenWritesAKeyThatTokenMintsWithAndTheProxyVerifies() throws Exception {
        Path jwks = dir.resolve("jwks.json");
        Path privateJwk = dir.resolve("private.jwk");

        String kid = run("keygen", "--jwks", jwks.toString(), "--private-jwk", privateJwk.toString());
        String token = run("token", "--private-jwk", privateJwk.toString(), "--class", "access",
                "--subject", "alice", "--session", "s1", "--app", "web", "--ttl", "PT5M");

        assertThat(Files.readString(jwks)).contains(kid);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(privateJwk))).isEqualTo("rw-------");
        TokenSettings settings = TokenSettings.builder()
                .issuer("portcullis-demo")
                .audience("portcullis")
                .agentAudience("portcullis-tunnel")
                .keySet(KeySet.fromJwksFile(jwks))
                .build();
        VerifiedToken verified = new JjwtTokenVerifier(settings).verify(token, TokenClass.ACCESS);
        assertThat(verified.subject()).isEqualTo("alice");
    }

    @Test
    void keygenWithoutFilesFailsNamingTheMissingOption() {
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new PortcullisMain());
        cli.setErr(new PrintWriter(err));

        int code = cli.execute("keygen", "--jwks", dir.resolve("j.json").toString());

        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("--private-jwk");
    }

    private static String run(String... args) {
        StringWriter out = new StringWriter();
        CommandLine cli = new CommandLine(new PortcullisMain());
        cli.setOut(new PrintWriter(out));
        assertThat(cli.execute(args)).isZero();
        return out.toString().trim();
    }
}
