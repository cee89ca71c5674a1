package dev.portcullis.proxy.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.proxy.auth.KeySet.VerificationKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeySetTest {
    private static final TestKeys keys = new TestKeys();

    @TempDir
    Path dir;

    @Test
    void demoKeysMintTokensThatTheJwksVerifies() throws Exception {
        Path jwks = dir.resolve("jwks.json");
        Path privateJwk = dir.resolve("signing.jwk");
        String kid = DemoKeys.generate(jwks, privateJwk);

        KeySet keySet = KeySet.fromJwksFile(jwks);
        assertThat(keySet.kids()).containsExactly(kid);
        assertThat(keySet.find(kid).algorithm()).isEqualTo(TokenAlgorithm.ES256);
        assertThat(Files.readString(jwks)).doesNotContain("\"d\"");
        if (Files.getFileStore(privateJwk).supportsFileAttributeView("posix")) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(privateJwk))).isEqualTo("rw-------");
        }

        TokenSettings settings = keys.settings().keySet(keySet).build();
        TokenMinter minter = TokenMinter.fromPrivateJwkFile(privateJwk, settings);
        String token = minter.mint(TokenClass.LAUNCH, "alice", "s1", "lab", Duration.ofMinutes(2));
        VerifiedToken verified = new JjwtTokenVerifier(settings).verify(token, TokenClass.LAUNCH);
        assertThat(verified.subject()).isEqualTo("alice");
    }

    @Test
    void jwksWithAPrivateKeyIsRefused() throws Exception {
        Path jwks = dir.resolve("jwks.json");
        Path privateJwk = dir.resolve("signing.jwk");
        DemoKeys.generate(jwks, privateJwk);
        Files.writeString(jwks, "{\"keys\":[" + Files.readString(privateJwk) + "]}");
        assertThatThrownBy(() -> KeySet.fromJwksFile(jwks)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("private or secret");
    }

    @Test
    void jwksThatIsNotJsonIsRefusedWithTheFileName() throws Exception {
        Path jwks = dir.resolve("broken.json");
        Files.writeString(jwks, "{\"keys\": [");
        assertThatThrownBy(() -> KeySet.fromJwksFile(jwks)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("broken.json");
    }

    @Test
    void publicJwkFileCannotMint() throws Exception {
        Path jwks = dir.resolve("jwks.json");
        DemoKeys.generate(jwks, dir.resolve("signing.jwk"));
        String publicJwk = Files.readString(jwks).replaceFirst("^\\{\"keys\":\\[", "").replaceFirst("]}\\s*$", "");
        assertThatThrownBy(() -> TokenMinter.fromPrivateJwk(publicJwk, keys.settings().build()))
                .hasMessageContaining("without a private key");
    }

    @Test
    void keyOfTheWrongTypeForItsAlgorithmIsRefused() {
        assertThatThrownBy(() -> new VerificationKey("k", keys.rsa.getPublic(), TokenAlgorithm.ES256))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new VerificationKey("k", keys.ec.getPrivate(), TokenAlgorithm.ES256))
                .hasMessageContaining("private key");
        assertThatThrownBy(() -> KeySet.of(VerificationKey.of("k", keys.ec.getPublic()),
                VerificationKey.of("k", keys.rsa.getPublic()))).hasMessageContaining("duplicate");
    }

    @Test
    void maliciousKidsAreJustMissingEntries() {
        KeySet set = keys.keySet();
        assertThat(set.find("../../dev/null")).isNull();
        assertThat(set.find("x' OR 1=1")).isNull();
        assertThat(set.find(null)).isNull();
    }
}
