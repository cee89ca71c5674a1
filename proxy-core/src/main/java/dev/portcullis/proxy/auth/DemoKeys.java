package dev.portcullis.proxy.auth;

import static java.util.Objects.requireNonNull;

import io.jsonwebtoken.Jwts;
import io.jsonwebtoken.security.Jwks;
import io.jsonwebtoken.security.PrivateJwk;
import io.jsonwebtoken.security.PublicJwk;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.util.Base64;

/**
 * Generates the demo's token signing key: an EC P-256 (ES256) key pair with a random {@code kid}, written as a public
 * JWKS (for {@link KeySet#fromJwksFile(Path)}) and a private JWK readable only by its owner (for
 * {@link TokenMinter#fromPrivateJwkFile(Path, TokenSettings)}). Blocking file I/O; stateless.
 */
public final class DemoKeys {
    private DemoKeys() {}

    /**
     * Generates a key pair and writes both files, replacing existing ones. The private file is created with mode 0600
     * where the file system is POSIX.
     *
     * @return the new key's kid
     */
    public static String generate(Path publicJwksFile, Path privateJwkFile) throws IOException {
        requireNonNull(publicJwksFile, "publicJwksFile");
        requireNonNull(privateJwkFile, "privateJwkFile");
        byte[] kidBytes = new byte[12];
        new SecureRandom().nextBytes(kidBytes);
        String kid = "demo-" + Base64.getUrlEncoder().withoutPadding().encodeToString(kidBytes);

        KeyPair pair = Jwts.SIG.ES256.keyPair().build();
        PublicJwk<ECPublicKey> publicJwk = Jwks.builder().key((ECPublicKey) pair.getPublic())
                .id(kid).algorithm(TokenAlgorithm.ES256.jwaName()).publicKeyUse("sig").build();
        PrivateJwk<ECPrivateKey, ECPublicKey, ?> privateJwk = Jwks.builder().key((ECPrivateKey) pair.getPrivate())
                .publicKey((ECPublicKey) pair.getPublic())
                .id(kid).algorithm(TokenAlgorithm.ES256.jwaName()).publicKeyUse("sig").build();

        writePrivate(privateJwkFile, Jwks.UNSAFE_JSON(privateJwk));
        Files.writeString(publicJwksFile, "{\"keys\":[" + Jwks.json(publicJwk) + "]}\n", StandardCharsets.UTF_8);
        return kid;
    }

    private static void writePrivate(Path file, String json) throws IOException {
        // Create the file with its final mode so the key is never readable by others, not even for a moment.
        Files.deleteIfExists(file);
        if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } else {
            Files.createFile(file);
        }
        Files.writeString(file, json + "\n", StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING);
    }
}
