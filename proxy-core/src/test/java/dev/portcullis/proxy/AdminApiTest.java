package dev.portcullis.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.proxy.auth.TokenClass;
import dev.portcullis.registry.AppKind;
import dev.portcullis.registry.AppSpec;
import dev.portcullis.registry.SessionId;
import dev.portcullis.registry.SessionRecord;
import dev.portcullis.tunnel.TunnelSettings;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The admin API as docs/ARCHITECTURE.md documents it, over a real admin listener, with a real registry behind it. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AdminApiTest {
    private final ObjectMapper mapper = new ObjectMapper();
    StreamingWebSocketApp wsApp;
    ProxyTestKit kit;
    AdminClient admin;

    @BeforeEach
    void start() throws Exception {
        wsApp = new StreamingWebSocketApp(1024);
        kit = ProxyTestKit.start(wsApp.port(), TunnelSettings.defaults(), 1, b -> b);
        admin = AdminClient.of(kit);
    }

    @AfterEach
    void stop() throws IOException {
        if (kit != null) {
            kit.close();
        }
        if (wsApp != null) {
            wsApp.close();
        }
    }

    private JsonNode json(AdminClient.Answer answer) throws IOException {
        return mapper.readTree(answer.body());
    }

    @Test
    void healthNeedsNoCredentialButTheApiDoes() throws Exception {
        assertThat(admin.send(new Request.Builder().url(kit.adminUrl("/healthz"))).status()).isEqualTo(200);

        AdminClient.Answer none = admin.send(new Request.Builder().url(kit.adminUrl("/admin/api/sessions")));
        assertThat(none.status()).isEqualTo(401);
        assertThat(json(none).path("error").asText()).isEqualTo("unauthorized");
        assertThat(none.cacheControl()).isEqualTo("no-store");
        // An access token is a user's credential, not an operator's: another class, another audience.
        AdminClient.Answer access = admin.send(new Request.Builder().url(kit.adminUrl("/admin/api/sessions"))
                .header("Authorization", "Bearer " + kit.accessToken()));
        assertThat(access.status()).isEqualTo(401);
    }

    @Test
    void theApiIsNotOnThePublicListener() throws Exception {
        try (Response r = kit.http.newCall(kit.get("/admin/api/sessions")
                .header("Authorization", "Bearer " + kit.adminToken()).build()).execute()) {
            assertThat(r.code()).isEqualTo(404);
        }
    }

    @Test
    void listsSessionsWithTheirApps() throws Exception {
        AdminClient.Answer answer = admin.get("/admin/api/sessions");

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.contentType()).startsWith("application/json");
        assertThat(answer.cacheControl()).isEqualTo("no-store");
        JsonNode first = json(answer).path("sessions").get(0);
        assertThat(first.path("id").asText()).isEqualTo(ProxyTestKit.SESSION);
        assertThat(first.path("owner").asText()).isEqualTo(ProxyTestKit.OWNER);
        assertThat(first.path("agent").asText()).isEqualTo(ProxyTestKit.AGENT);
        assertThat(first.path("apps").get(0).path("kind").asText()).isEqualTo("http");
    }

    @Test
    void putCreatesOrReplacesASessionInTheRegistry() throws Exception {
        AdminClient.Answer answer = admin.put("/admin/api/sessions/new-1",
                "{\"owner\":\"carol\",\"agent\":\"agent-9\",\"apps\":[{\"name\":\"lab\",\"port\":8888,\"kind\":\"jupyter\"}]}");

        assertThat(answer.status()).isEqualTo(200);
        assertThat(json(answer).path("session").path("apps").get(0).path("port").asInt()).isEqualTo(8888);
        assertThat(kit.registry.session(new SessionId("new-1"))).contains(new SessionRecord(new SessionId("new-1"),
                "carol", "agent-9", List.of(new AppSpec("lab", 8888, AppKind.JUPYTER))));

        admin.put("/admin/api/sessions/new-1", "{\"owner\":\"dave\",\"agent\":\"agent-9\",\"apps\":[]}");
        assertThat(kit.registry.session(new SessionId("new-1")).orElseThrow().owner()).isEqualTo("dave");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{\"owner\":\"c\",\"agent\":\"a\",\"apps\":[{\"name\":\"lab\",\"port\":70000,\"kind\":\"http\"}]}|field 'apps[0].port': must be 1..65535",
        "{\"owner\":\"c\",\"agent\":\"a\",\"apps\":[{\"name\":\"lab\",\"port\":80,\"kind\":\"ftp\"}]}|field 'apps[0].kind': 'ftp' (expected: http, jupyter or terminal)",
        "{\"owner\":\"c\",\"agent\":\"a\",\"apps\":[{\"name\":\"La-b\",\"port\":80,\"kind\":\"http\"}]}|field 'apps[0].name': 'La-b' is not an app name (expected: 1-32 of [a-z0-9])",
        "{\"owner\":\"c\",\"agent\":\"a\",\"apps\":[{\"name\":\"x\",\"port\":1,\"kind\":\"http\"},{\"name\":\"x\",\"port\":2,\"kind\":\"http\"}]}|field 'apps[1].name': 'x' appears twice",
        "{\"agent\":\"a\",\"apps\":[]}|field 'owner': missing or not a string",
        "{\"owner\":\"c\",\"agent\":\"a b\",\"apps\":[]}|field 'agent': 'a b' is not an agent id (expected: 1-64 of [A-Za-z0-9._-])",
        "{\"owner\":\"c\",\"agent\":\"a\"}|field 'apps': missing or not an array",
        "{\"owner\":\"c\",\"agent\":\"a\",\"apps\":[],\"ownr\":1}|field 'ownr': unknown (expected one of [agent, apps, id, owner])",
        "[1,2]|body: expected a JSON object",
        "{\"owner\":|body: not valid JSON at line 1, column 10",
    })
    void aBadSessionBodyIs400NamingTheFieldAndChangesNothing(String body, String message) throws Exception {
        AdminClient.Answer answer = admin.put("/admin/api/sessions/bad-1", body);

        assertThat(answer.status()).isEqualTo(400);
        assertThat(json(answer).path("error").asText()).isEqualTo("bad-request");
        assertThat(json(answer).path("message").asText()).isEqualTo(message);
        assertThat(kit.registry.session(new SessionId("bad-1"))).isEmpty();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "/admin/api/kick|{\"user\":\"a\",\"session\":\"s\"}|body: 'session' and 'user' together (expected: exactly one of connection, session, user)",
        "/admin/api/kick|{}|body: expected exactly one of connection, session, user",
        "/admin/api/kick|{\"user\":\"a\",\"app\":\"x\"}|field 'app': only with 'session'",
        "/admin/api/kick|{\"session\":\"Not_A_Session\"}|field 'session': 'Not_A_Session' is not a session id (expected: 1-63 of [a-z0-9-])",
        "/admin/api/revoke|{\"jti\":\"j\",\"until\":\"yesterday\"}|field 'until': 'yesterday' is not an ISO-8601 instant (e.g. 2030-01-01T00:00:00Z)",
        "/admin/api/revoke|{\"jti\":\"j\",\"until\":\"2001-01-01T00:00:00Z\"}|field 'until': 2001-01-01T00:00:00Z is not in the future",
        "/admin/api/revoke|{\"user\":\"a\",\"until\":\"2099-01-01T00:00:00Z\"}|field 'until': only with 'jti'",
        "/admin/api/revoke|{\"user\":\"\"}|field 'user': must be 1-256 characters, not blank",
    })
    void aBadKickOrRevokeIs400NamingTheField(String path, String body, String message) throws Exception {
        AdminClient.Answer answer = admin.post(path, body);

        assertThat(answer.status()).isEqualTo(400);
        assertThat(json(answer).path("message").asText()).isEqualTo(message);
    }

    @Test
    void aBadSessionIdInThePathIs400() throws Exception {
        AdminClient.Answer answer = admin.put("/admin/api/sessions/UPPER", "{\"owner\":\"c\",\"agent\":\"a\",\"apps\":[]}");

        assertThat(answer.status()).isEqualTo(400);
        assertThat(json(answer).path("message").asText()).startsWith("path 'sid': 'UPPER' is not a session id");
    }

    @Test
    void deleteRemovesTheSessionAndClosesItsLiveConnections() throws Exception {
        RecordingWebSocket ws = RecordingWebSocket.open(kit.http, kit.authorized("/s/sess-a/app/ws").build());
        ws.opened.get(5, TimeUnit.SECONDS);

        AdminClient.Answer answer = admin.delete("/admin/api/sessions/sess-a");

        assertThat(answer.status()).isEqualTo(204);
        assertThat(ws.closing.get(5, TimeUnit.SECONDS).code()).isEqualTo(1008);
        assertThat(kit.registry.session(new SessionId("sess-a"))).isEmpty();
        assertThat(admin.delete("/admin/api/sessions/sess-a").status()).isEqualTo(404);
        try (Response r = kit.http.newCall(kit.authorized("/s/sess-a/app/").build()).execute()) {
            assertThat(r.code()).isEqualTo(404);
        }
    }

    @Test
    void tunnelsListThisNodesAgentConnections() throws Exception {
        JsonNode tunnel = json(admin.get("/admin/api/tunnels")).path("tunnels").get(0);

        assertThat(tunnel.path("agent").asText()).isEqualTo(ProxyTestKit.AGENT);
        assertThat(tunnel.path("node").asText()).isEqualTo(kit.proxy.nodeId());
        assertThat(tunnel.path("streams").asInt()).isZero();
        assertThat(tunnel.path("since").asText()).isNotEmpty();
    }

    @Test
    void unknownRoutesAre404AndWrongMethods405() throws Exception {
        assertThat(admin.get("/admin/api/nothing").status()).isEqualTo(404);
        AdminClient.Answer wrong = admin.post("/admin/api/sessions", "{}");
        assertThat(wrong.status()).isEqualTo(405);
        assertThat(json(wrong).path("error").asText()).isEqualTo("method-not-allowed");
        assertThat(admin.get("/admin/api/kick").status()).isEqualTo(405);
    }

    @Test
    void anAdminTokenIsNotAUserTokenOnThePublicListener() throws Exception {
        String adminAsBearer = kit.minter.mint(TokenClass.ADMIN, ProxyTestKit.OWNER, null, null, Duration.ofMinutes(1));
        try (Response r = kit.http.newCall(kit.get("/s/sess-a/app/").header("Authorization", "Bearer " + adminAsBearer)
                .build()).execute()) {
            assertThat(r.code()).isEqualTo(401);
        }
    }
}
