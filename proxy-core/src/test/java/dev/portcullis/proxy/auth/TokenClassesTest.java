package dev.portcullis.proxy.auth;

import static dev.portcullis.proxy.auth.TestKeys.NOW;
import static dev.portcullis.proxy.auth.TestKeys.claims;
import static dev.portcullis.proxy.auth.TestKeys.q;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.portcullis.proxy.auth.KeySet.VerificationKey;
import dev.portcullis.proxy.auth.TokenRejectedException.Reason;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** One audience, algorithm set and key set per token class; a token of one class is refused where another is due. */
@Timeout(10)
class TokenClassesTest {
    private static final TestKeys keys = new TestKeys();
    private static final long NOW_S = NOW.getEpochSecond();

    private final TokenSettings settings = keys.settings().build();
    private final JjwtTokenVerifier verifier = new JjwtTokenVerifier(settings);
    private final TokenMinter minter = keys.ecMinter();

    static Stream<Arguments> classPairs() {
        Stream.Builder<Arguments> b = Stream.builder();
        for (TokenClass minted : TokenClass.values()) {
            for (TokenClass expected : TokenClass.values()) {
                b.add(Arguments.of(minted, expected));
            }
        }
        return b.build();
    }

    @ParameterizedTest(name = "{0} token where {1} is expected")
    @MethodSource("classPairs")
    void aTokenIsAcceptedOnlyAsItsOwnClass(TokenClass minted, TokenClass expected) throws Exception {
        String token = mint(minted);
        if (minted == expected) {
            VerifiedToken t = verifier.verify(token, expected);
            assertThat(t.tokenClass()).isEqualTo(minted);
            assertThat(t.sessionId() != null).isEqualTo(minted.isUserToken());
        } else {
            assertThat(catchThrowableOfType(TokenRejectedException.class, () -> verifier.verify(token, expected))
                    .reason()).isIn(Reason.WRONG_CLASS, Reason.WRONG_AUDIENCE);
        }
    }

    @Test
    void adminTokenCarriesItsOwnAudienceAndNoSession() throws Exception {
        String token = minter.mint(TokenClass.ADMIN, "control-plane", null, null, Duration.ofMinutes(5));
        VerifiedToken t = verifier.verify(token, TokenClass.ADMIN);
        assertThat(t.subject()).isEqualTo("control-plane");
        assertThat(t.sessionId()).isNull();
        assertThat(settings.adminAudience()).isEqualTo("portcullis-admin");
        // An admin typ with the user audience (a control plane that forgot to set aud) is not an admin token.
        String userAud = keys.es256(claims(with("typ", q("admin"))));
        assertThat(reason(userAud, TokenClass.ADMIN)).isEqualTo(Reason.WRONG_AUDIENCE);
        assertThatThrownBy(() -> minter.mint(TokenClass.ADMIN, "cp", "s1", "lab", Duration.ofMinutes(1)))
                .hasMessageContaining("admin token");
    }

    @Test
    void eachClassVerifiesOnlyWithItsOwnKeySet() throws Exception {
        TokenSettings split = keys.settings()
                .keySource(TokenClass.AGENT, () -> KeySet.of(VerificationKey.of("agent-ec", keys.otherEc.getPublic())))
                .build();
        JjwtTokenVerifier v = new JjwtTokenVerifier(split);
        String userKeyAgentToken = keys.ecMinter().mint(TokenClass.AGENT, "node-1", null, null, Duration.ofMinutes(5));
        assertThat(catchThrowableOfType(TokenRejectedException.class, () -> v.verify(userKeyAgentToken, TokenClass.AGENT))
                .reason()).isEqualTo(Reason.UNKNOWN_KEY);
        String agentToken = new TokenMinter(keys.otherEc.getPrivate(), "agent-ec", TokenAlgorithm.ES256, split)
                .mint(TokenClass.AGENT, "node-1", null, null, Duration.ofMinutes(5));
        assertThat(v.verify(agentToken, TokenClass.AGENT).subject()).isEqualTo("node-1");
        String agentKeyAccessToken = new TokenMinter(keys.otherEc.getPrivate(), "agent-ec", TokenAlgorithm.ES256, split)
                .mint(TokenClass.ACCESS, "alice", "s1", "lab", Duration.ofMinutes(5));
        assertThat(catchThrowableOfType(TokenRejectedException.class, () -> v.verify(agentKeyAccessToken, TokenClass.ACCESS))
                .reason()).isEqualTo(Reason.UNKNOWN_KEY);
    }

    @Test
    void eachClassAcceptsOnlyItsOwnAlgorithm() throws Exception {
        TokenSettings pinned = keys.settings().allowedAlgorithms(TokenClass.AGENT, List.of(TokenAlgorithm.EdDSA)).build();
        JjwtTokenVerifier v = new JjwtTokenVerifier(pinned);
        String es = new TokenMinter(keys.ec.getPrivate(), "ec-1", TokenAlgorithm.ES256, pinned)
                .mint(TokenClass.AGENT, "node-1", null, null, Duration.ofMinutes(5));
        String ed = new TokenMinter(keys.ed.getPrivate(), "ed-1", TokenAlgorithm.EdDSA, pinned)
                .mint(TokenClass.AGENT, "node-1", null, null, Duration.ofMinutes(5));
        assertThat(catchThrowableOfType(TokenRejectedException.class, () -> v.verify(es, TokenClass.AGENT)).reason())
                .isEqualTo(Reason.BAD_ALGORITHM);
        assertThat(v.verify(ed, TokenClass.AGENT).subject()).isEqualTo("node-1");
        String esAccess = new TokenMinter(keys.ec.getPrivate(), "ec-1", TokenAlgorithm.ES256, pinned)
                .mint(TokenClass.ACCESS, "alice", "s1", "lab", Duration.ofMinutes(5));
        assertThat(v.verify(esAccess, TokenClass.ACCESS).subject()).isEqualTo("alice");
    }

    @Test
    void hs256IsAcceptedOnlyForTheClassConfiguredWithASecret() throws Exception {
        var secret = AppCookies.secret(new byte[32]);
        TokenSettings hs = keys.settings()
                .keySource(TokenClass.ADMIN, () -> KeySet.of(new VerificationKey("hmac", secret, TokenAlgorithm.HS256)))
                .allowedAlgorithms(TokenClass.ADMIN, List.of(TokenAlgorithm.HS256))
                .build();
        JjwtTokenVerifier v = new JjwtTokenVerifier(hs);
        TokenMinter hmac = new TokenMinter(secret, "hmac", TokenAlgorithm.HS256, hs);
        assertThat(v.verify(hmac.mint(TokenClass.ADMIN, "cp", null, null, Duration.ofMinutes(1)), TokenClass.ADMIN)
                .subject()).isEqualTo("cp");
        String hsAccess = hmac.mint(TokenClass.ACCESS, "alice", "s1", "lab", Duration.ofMinutes(1));
        assertThat(catchThrowableOfType(TokenRejectedException.class, () -> v.verify(hsAccess, TokenClass.ACCESS))
                .reason()).isEqualTo(Reason.BAD_ALGORITHM);
        assertThatThrownBy(() -> keys.settings().allowedAlgorithms(TokenClass.ADMIN, List.of(TokenAlgorithm.HS256)).build())
                .hasMessageContaining("admin allowedAlgorithms: HS256 without an HMAC secret");
    }

    @Test
    void agentOrAdminAudienceSharedWithAnotherClassIsRefusedAtStartup() {
        assertThatThrownBy(() -> keys.settings().adminAudience("portcullis").build())
                .hasMessageContaining("admin audience: 'portcullis'");
        assertThatThrownBy(() -> keys.settings().adminAudience("portcullis-agent").build())
                .hasMessageContaining("'portcullis-agent'");
    }

    static Stream<Arguments> launchLifetimes() {
        return Stream.of(
                Arguments.of("exactly 2 minutes", with("iat", "" + NOW_S, "exp", "" + (NOW_S + 120)), null),
                Arguments.of("2 minutes and 1 second", with("iat", "" + NOW_S, "exp", "" + (NOW_S + 121)),
                        Reason.LIFETIME_TOO_LONG),
                Arguments.of("15 minutes (the old demo link)", with("iat", "" + NOW_S, "exp", "" + (NOW_S + 900)),
                        Reason.LIFETIME_TOO_LONG),
                Arguments.of("no iat", with("iat", null, "exp", "" + (NOW_S + 60)), Reason.MISSING_CLAIM),
                Arguments.of("iat an hour ahead, exp 2 minutes later",
                        with("iat", "" + (NOW_S + 3600), "exp", "" + (NOW_S + 3720)), Reason.NOT_YET_VALID));
    }

    @ParameterizedTest(name = "launch token living {0} -> {2}")
    @MethodSource("launchLifetimes")
    void launchTokensLiveAtMostTwoMinutes(String name, Map<String, String> times, Reason expected) throws Exception {
        Map<String, String> c = new HashMap<>(times);
        c.put("typ", q("launch"));
        String token = keys.es256(claims(c));
        if (expected == null) {
            assertThat(verifier.verify(token, TokenClass.LAUNCH).tokenId()).isEqualTo("j-1");
        } else {
            assertThat(reason(token, TokenClass.LAUNCH)).isEqualTo(expected);
        }
    }

    @Test
    void theLaunchLifetimeCapDoesNotApplyToLoginLinks() throws Exception {
        String login = minter.mint(TokenClass.LOGIN, "alice", null, null, Duration.ofMinutes(15));
        assertThat(verifier.verify(login, TokenClass.LOGIN).subject()).isEqualTo("alice");
        String launch = minter.mint(TokenClass.LAUNCH, "alice", "s1", "lab", Duration.ofMinutes(15));
        assertThat(reason(launch, TokenClass.LAUNCH)).isEqualTo(Reason.LIFETIME_TOO_LONG);
    }

    private String mint(TokenClass c) {
        return c.isUserToken()
                ? minter.mint(c, "alice", "s1", "lab", Duration.ofMinutes(2))
                : minter.mint(c, "node-1", null, null, Duration.ofMinutes(2));
    }

    private Reason reason(String token, TokenClass expected) {
        return catchThrowableOfType(TokenRejectedException.class, () -> verifier.verify(token, expected)).reason();
    }

    private static Map<String, String> with(String... kv) {
        Map<String, String> m = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }
}
