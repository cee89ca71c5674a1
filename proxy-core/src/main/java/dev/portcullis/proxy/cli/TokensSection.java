package dev.portcullis.proxy.cli;

import dev.portcullis.proxy.auth.AppCookies;
import dev.portcullis.proxy.auth.JwksKeySource;
import dev.portcullis.proxy.auth.KeySet;
import dev.portcullis.proxy.auth.KeySource;
import dev.portcullis.proxy.auth.TokenAlgorithm;
import dev.portcullis.proxy.auth.TokenClass;
import dev.portcullis.proxy.auth.TokenSettings;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code tokens:} section of the proxy file: the issuer and clock skew, defaults for every token class (key
 * source, refresh interval, algorithm), and one optional block per class ({@code launch}, {@code access},
 * {@code agent}, {@code admin}, {@code login}) overriding them. The flat keys of earlier files ({@code audience},
 * {@code agent-audience}, {@code admin-audience}) are still accepted; setting a value both flat and in the class block is an error.
 */
record TokensSection(
        String issuer,
        String clockSkew,
        String audience,
        String agentAudience,
        String adminAudience,
        String jwksFile,
        String jwksUrl,
        String refreshInterval,
        String algorithm,
        TokenClassSection launch,
        TokenClassSection access,
        TokenClassSection agent,
        TokenClassSection admin,
        TokenClassSection login) {

    static final Duration DEFAULT_REFRESH_INTERVAL = Duration.ofMinutes(5);

    /** One class's overrides. {@code max-lifetime} is for launch tokens only. */
    record TokenClassSection(String audience, String algorithm, String jwksFile, String jwksUrl,
            String refreshInterval, String hmacSecretFile, String hmacKid, String maxLifetime) {}

    /**
     * Builds the settings, loading every key source once (blocking I/O; errors name the key). Classes sharing a
     * location and interval share one source. On error, sources already created are closed.
     */
    TokenSettings toSettings(Path dir) {
        TokenSettings.Builder ts = TokenSettings.builder().issuer(ConfigFiles.require("tokens.issuer", issuer));
        if (clockSkew != null) {
            ts.clockSkew(ConfigFiles.duration("tokens.clock-skew", clockSkew, null));
        }
        Map<String, JwksKeySource> shared = new LinkedHashMap<>();
        try {
            for (TokenClass c : TokenClass.values()) {
                configure(ts, c, section(c), dir, shared);
            }
            return ts.build();
        } catch (RuntimeException e) {
            shared.values().forEach(JwksKeySource::close);
            if (e instanceof ConfigException) {
                throw e;
            }
            throw new ConfigException("tokens: " + e.getMessage(), e);
        }
    }

    /** Closes the JWKS sources of {@code settings} (config errors after they were built). */
    static void close(TokenSettings settings) {
        JwksKeySource.closeAll(settings.keySources());
    }

    private TokenClassSection section(TokenClass c) {
        TokenClassSection s = switch (c) {
            case LAUNCH -> launch;
            case ACCESS -> access;
            case AGENT -> agent;
            case ADMIN -> admin;
            case LOGIN -> login;
        };
        return s == null ? new TokenClassSection(null, null, null, null, null, null, null, null) : s;
    }

    private void configure(TokenSettings.Builder ts, TokenClass c, TokenClassSection s, Path dir,
            Map<String, JwksKeySource> shared) {
        String key = "tokens." + c.claimValue();
        String flatKey = switch (c) {
            case AGENT -> "agent-audience";
            case ADMIN -> "admin-audience";
            default -> "audience";
        };
        String flatAudience = switch (c) {
            case AGENT -> agentAudience;
            case ADMIN -> adminAudience;
            default -> audience;
        };
        if (flatAudience != null && s.audience() != null) {
            throw new ConfigException(key + ".audience and tokens." + flatKey + ": both set (expected: one)");
        }
        String aud = s.audience() != null ? s.audience() : flatAudience;
        if (aud != null) {
            ts.audience(c, aud);
        }
        if (s.maxLifetime() != null) {
            if (c != TokenClass.LAUNCH) {
                throw new ConfigException(key + ".max-lifetime: only launch tokens have one");
            }
            ts.maxLaunchLifetime(ConfigFiles.duration(key + ".max-lifetime", s.maxLifetime(), null));
        }
        String alg = s.algorithm() != null ? s.algorithm() : algorithm;
        String algKey = s.algorithm() != null ? key + ".algorithm" : "tokens.algorithm";
        if (s.hmacSecretFile() != null) {
            if (alg != null && !alg.equals(TokenAlgorithm.HS256.jwaName()) || s.jwksFile() != null || s.jwksUrl() != null) {
                throw new ConfigException(key + ".hmac-secret-file: set with a JWKS or a non-HS256 algorithm (expected:"
                        + " HS256 and no jwks-file/jwks-url for this class)");
            }
            ts.keySource(c, hmac(dir.resolve(s.hmacSecretFile()), s.hmacKid(), key));
            ts.allowedAlgorithms(c, List.of(TokenAlgorithm.HS256));
            return;
        }
        if (alg != null) {
            TokenAlgorithm a = TokenAlgorithm.fromJwaName(alg);
            if (a == null || a == TokenAlgorithm.HS256) {
                throw new ConfigException(algKey + ": " + alg + " (expected: one of RS256, ES256, EdDSA; HS256 only"
                        + " with a class's hmac-secret-file)");
            }
            ts.allowedAlgorithms(c, List.of(a));
        }
        boolean own = s.jwksFile() != null || s.jwksUrl() != null;
        String prefix = own ? key : "tokens";
        String file = own ? s.jwksFile() : jwksFile;
        String url = own ? s.jwksUrl() : jwksUrl;
        if (file != null && url != null) {
            throw new ConfigException(prefix + ".jwks-file and " + prefix + ".jwks-url: both set (expected: one)");
        }
        if (file == null && url == null) {
            throw new ConfigException("tokens.jwks-file or tokens.jwks-url: missing (expected: where the "
                    + c.claimValue() + " token keys are, here or in " + key + ")");
        }
        String intervalKey = s.refreshInterval() != null ? key + ".refresh-interval" : "tokens.refresh-interval";
        Duration interval = ConfigFiles.duration(intervalKey,
                s.refreshInterval() != null ? s.refreshInterval() : refreshInterval, DEFAULT_REFRESH_INTERVAL);
        String location = file != null ? "file:" + dir.resolve(file).toAbsolutePath().normalize() : "url:" + url;
        KeySource source = shared.computeIfAbsent(location + " " + interval,
                k -> open(file != null ? prefix + ".jwks-file" : prefix + ".jwks-url", dir, file, url, interval));
        ts.keySource(c, source);
    }

    private static JwksKeySource open(String key, Path dir, String file, String url, Duration interval) {
        try {
            if (file != null) {
                return JwksKeySource.file(dir.resolve(file), interval);
            }
            return JwksKeySource.url(new URI(url), interval);
        } catch (IOException | URISyntaxException | IllegalArgumentException e) {
            throw new ConfigException(key + ": " + (file != null ? dir.resolve(file) : url) + ": " + e.getMessage(), e);
        }
    }

    private static KeySource hmac(Path secretFile, String kid, String key) {
        byte[] secret;
        try {
            secret = Files.readAllBytes(secretFile);
        } catch (IOException e) {
            throw new ConfigException(key + ".hmac-secret-file: " + secretFile + ": cannot read (" + e.getMessage() + ")", e);
        }
        try {
            KeySet set = KeySet.of(new KeySet.VerificationKey(kid == null ? "hmac" : kid, AppCookies.secret(secret),
                    TokenAlgorithm.HS256));
            return () -> set;
        } catch (IllegalArgumentException e) {
            throw new ConfigException(key + ".hmac-secret-file: " + secretFile + ": " + e.getMessage(), e);
        } finally {
            Arrays.fill(secret, (byte) 0);
        }
    }
}
