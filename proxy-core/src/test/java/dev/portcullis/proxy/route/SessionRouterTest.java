package dev.portcullis.proxy.route;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.registry.SessionId;
import org.junit.jupiter.api.Test;

class SessionRouterTest {
    private final SessionRouter router = new SessionRouter("apps.example.com");

    @Test
    void pathModeRoutesOnAnyHostAndKeepsThePrefixForTheApp() {
        assertThat(router.route("proxy.example.com", "/s/sess-a/lab/tree"))
                .isEqualTo(new SessionRouter.Routed(new Route(new SessionId("sess-a"), "lab", "/s/sess-a/lab/tree", Route.Mode.PATH)));
    }

    @Test
    void pathModeWithoutTrailingSlashRedirects() {
        assertThat(router.route("h", "/s/sess-a/lab")).isEqualTo(new SessionRouter.Redirect("/s/sess-a/lab/"));
    }

    @Test
    void subdomainModeSplitsAtTheLastDash() {
        assertThat(router.route("My-Sess-A-lab.APPS.example.com", "/api"))
                .isEqualTo(new SessionRouter.Routed(new Route(new SessionId("my-sess-a"), "lab", "/api", Route.Mode.SUBDOMAIN)));
    }

    @Test
    void invalidNamesAndOtherPathsDoNotRoute() {
        assertThat(router.route("h", "/s/Bad_Id/lab/")).isInstanceOf(SessionRouter.NoRoute.class);
        assertThat(router.route("h", "/s/sess/")).isInstanceOf(SessionRouter.NoRoute.class);
        assertThat(router.route("h", "/other")).isInstanceOf(SessionRouter.NoRoute.class);
        assertThat(router.route("nodash.apps.example.com", "/x")).isInstanceOf(SessionRouter.NoRoute.class);
        assertThat(router.route("a.b-c.apps.example.com", "/x")).isInstanceOf(SessionRouter.NoRoute.class);
        assertThat(new SessionRouter(null).route("s-app.apps.example.com", "/x")).isInstanceOf(SessionRouter.NoRoute.class);
    }
}
