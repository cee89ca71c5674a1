package dev.portcullis.proxy;

import dev.portcullis.proxy.auth.AppCookies;
import dev.portcullis.proxy.auth.TokenClass;
import dev.portcullis.proxy.browser.BrowserRun;
import dev.portcullis.proxy.browser.BrowserScripts;
import dev.portcullis.proxy.route.Route;
import dev.portcullis.registry.SessionId;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * What a browser test needs to know about a {@link ProxyTestKit} in one routing mode: the URLs a person would be sent
 * to (launch and login links on the proxy's plain address, an app's root in path or subdomain mode), cookie names, and
 * how to run a browser scenario there. Subdomain hosts are {@code <session>-<app>.apps.test}, which Chromium maps to
 * 127.0.0.1 (no DNS needed).
 */
record BrowserUrls(Mode mode, ProxyTestKit kit) {
    enum Mode { PATH, SUBDOMAIN }

    static final String APPS_DOMAIN = "apps.test";
    private static final Duration RUN_TIMEOUT = Duration.ofSeconds(120);

    private String port() {
        return Integer.toString(kit.proxy.publicAddress().getPort());
    }

    /** The app's root as the browser sees it, ending in '/'. */
    String appUrl(String session) {
        return mode == Mode.PATH
                ? "http://127.0.0.1:" + port() + Route.pathPrefix(new SessionId(session), ProxyTestKit.APP)
                : "http://" + session + "-" + ProxyTestKit.APP + "." + APPS_DOMAIN + ":" + port() + "/";
    }

    /** A fresh single-use launch link for {@code session} (owned by {@code owner}), on the proxy's plain address. */
    String launchUrl(String session, String owner) {
        String token = kit.minter.mint(TokenClass.LAUNCH, owner, session, ProxyTestKit.APP, Duration.ofMinutes(2));
        return "http://127.0.0.1:" + port() + "/.portcullis/launch?token=" + token;
    }

    /** A fresh single-use login link to the dashboard for {@code user}, on the proxy's plain address (not an app host). */
    String loginUrl(String user) {
        String token = kit.minter.mint(TokenClass.LOGIN, user, null, null, Duration.ofMinutes(2));
        return "http://127.0.0.1:" + port() + "/.portcullis/login?token=" + token;
    }

    /** The name of the proxy's cookie for {@code session}'s app in this mode. */
    String cookieName(String session) {
        return AppCookies.cookieName(session, ProxyTestKit.APP, mode == Mode.SUBDOMAIN, false);
    }

    /** Where a scenario's screenshots and logs go: {@code target/browser-artifacts/<mode>/<scenario>/}. */
    Path artifacts(String scenario) {
        return BrowserScripts.ARTIFACTS.resolve(mode.name().toLowerCase(Locale.ROOT)).resolve(scenario);
    }

    /** Runs a browser scenario in this mode (subdomain hosts mapped to loopback), artifacts in {@link #artifacts}. */
    BrowserRun run(String script, String scenario, Map<String, Object> options) {
        Map<String, Object> all = new HashMap<>(options);
        if (mode == Mode.SUBDOMAIN) {
            all.put("hostResolverRules", "MAP *." + APPS_DOMAIN + " 127.0.0.1");
        }
        return BrowserScripts.run(script, all, artifacts(scenario), RUN_TIMEOUT);
    }
}
