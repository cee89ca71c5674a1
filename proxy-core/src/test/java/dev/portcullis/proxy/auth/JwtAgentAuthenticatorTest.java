package dev.portcullis.proxy.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.portcullis.tunnel.AgentAuthenticationException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class JwtAgentAuthenticatorTest {
    private static final TestKeys keys = new TestKeys();
    private final JwtAgentAuthenticator authenticator =
            new JwtAgentAuthenticator(new JjwtTokenVerifier(keys.settings().build()));

    @Test
    void agentTokenAuthenticatesAsItsSubject() throws Exception {
        String token = keys.ecMinter().mint(TokenClass.AGENT, "node-7", null, null, Duration.ofMinutes(5));
        assertThat(authenticator.authenticate(token)).isEqualTo("node-7");
    }

    @Test
    void userTokenIsRefusedWithOnlyTheReasonInTheMessage() {
        String token = keys.ecMinter().mint(TokenClass.ACCESS, "alice", "s1", "lab", Duration.ofMinutes(5));
        AgentAuthenticationException e =
                catchThrowableOfType(AgentAuthenticationException.class, () -> authenticator.authenticate(token));
        assertThat(e.getMessage()).isEqualTo("agent token rejected: WRONG_CLASS");
    }
}
